using System.Security.Cryptography;
using System.Text;
using Switchboard.Twilio;

namespace Switchboard.Tests.Twilio;

public sealed class TwilioSignatureTests
{
    // Twilio's own documented example ("Webhooks security": auth token 12345).
    private const string AuthToken = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private static Dictionary<string, string> Params() => new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+12349013030",
        ["Digits"] = "1234",
        ["From"] = "+12349013030",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Compute_TwiliosDocumentedExample_GivesTheDocumentedSignature() =>
        Assert.Equal(Expected, TwilioSignature.Compute(AuthToken, Url, Params()));

    [Fact]
    public void IsValid_FieldsInAnyOrder_Accepts() =>
        Assert.True(TwilioSignature.IsValid(AuthToken, Url, Params().Reverse(), Expected));

    [Theory]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=3")]
    [InlineData("https://mycompany.com/myapp.php")]
    public void IsValid_AnotherUrl_Refuses(string url) =>
        Assert.False(TwilioSignature.IsValid(AuthToken, url, Params(), Expected));

    [Fact]
    public void IsValid_ChangedField_Refuses()
    {
        var changed = Params();
        changed["Digits"] = "1235";

        Assert.False(TwilioSignature.IsValid(AuthToken, Url, changed, Expected));
    }

    [Fact]
    public void IsValid_AddedField_Refuses()
    {
        var added = Params();
        added["Extra"] = "x";

        Assert.False(TwilioSignature.IsValid(AuthToken, Url, added, Expected));
    }

    [Fact]
    public void IsValid_AnotherToken_Refuses() =>
        Assert.False(TwilioSignature.IsValid("54321", Url, Params(), Expected));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ")]
    public void IsValid_MissingOrTruncatedSignature_Refuses(string? signature) =>
        Assert.False(TwilioSignature.IsValid(AuthToken, Url, Params(), signature));

    [Fact]
    public void Compute_RepeatedNamesAndWordsBeyondAscii_SignsTheUtf8OfNamesThenValuesInOrdinalOrder()
    {
        KeyValuePair<string, string>[] form =
        [
            new("To", "+18005551212"),
            new("SpeechResult", "sí, señor — 你好 😀"),
            new("Digits", "9"),
            new("Digits", "10"),
            new("from", "lower case after upper"),
        ];
        // Twilio's rule, spelled out: the URL, then each name and value, sorted by name (ordinal), then by value.
        var payload = Url + "Digits10" + "Digits9" + "SpeechResultsí, señor — 你好 😀" + "To+18005551212"
            + "fromlower case after upper";
        var expected = Convert.ToBase64String(
            HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(expected, TwilioSignature.Compute(AuthToken, Url, form));
    }
}
