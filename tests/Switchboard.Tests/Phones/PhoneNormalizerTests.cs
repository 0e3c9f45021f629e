using Microsoft.Extensions.Options;
using Switchboard.Phones;

namespace Switchboard.Tests.Phones;

public sealed class PhoneNormalizerTests
{
    private static PhoneNormalizer Normalizer(string region = "US") =>
        new(Options.Create(new SwitchboardOptions { DefaultRegion = region }));

    [Theory]
    [InlineData("(555) 123-4567", "+15551234567")]
    [InlineData("+1 415-555-0100", "+14155550100")]
    [InlineData("415.555.0100", "+14155550100")]
    [InlineData("1-415-555-0100", "+14155550100")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("  +14155550100  ", "+14155550100")]
    public void TryNormalize_CommonWrittenForm_GivesE164(string written, string e164)
    {
        Assert.True(Normalizer().TryNormalize(written, out var normalized));
        Assert.Equal(e164, normalized);
    }

    [Fact]
    public void TryNormalize_NationalNumber_UsesTheConfiguredRegion()
    {
        Assert.True(Normalizer("GB").TryNormalize("020 7946 0958", out var normalized));
        Assert.Equal("+442079460958", normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("anonymous")]
    [InlineData("client:alice")]
    [InlineData("+1 555 0100")]
    [InlineData("555-0100")]
    [InlineData("not a number")]
    [InlineData("+1 415 555 0100 0100 0100 0100 0100 0100 0100")]
    public void TryNormalize_NotAPhoneNumber_Refuses(string? written) =>
        Assert.False(Normalizer().TryNormalize(written, out _));

    [Theory]
    [InlineData("+14155550111", "***0111")]
    [InlineData("123", "****")]
    [InlineData(null, "(none)")]
    public void Mask_Number_ShowsAtMostTheLastFourDigits(string? number, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(number));

    [Fact]
    public void MaskAll_ProvidersMessage_MasksEveryNumberInIt() =>
        Assert.Equal(
            "Account not authorized to call ***0111 from ***0100. Error 21215.",
            PhoneMask.MaskAll("Account not authorized to call +14155550111 from 14155550100. Error 21215."));
}
