using Switchboard.Calls;

namespace Switchboard.Tests.Calls;

public sealed class ScreeningPromptTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(20, "just now")]
    [InlineData(60, "1 minute ago")]
    [InlineData(59 * 60, "59 minutes ago")]
    [InlineData(60 * 60, "1 hour ago")]
    [InlineData(47 * 3600, "47 hours ago")]
    [InlineData(48 * 3600, "2 days ago")]
    [InlineData(59 * 86400, "59 days ago")]
    [InlineData(90 * 86400, "3 months ago")]
    public void Ago_Elapsed_SaysItInTheLargestUnitThatReadsNaturally(int seconds, string expected) =>
        Assert.Equal(expected, ScreeningPrompt.Ago(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("Maria Lopez", "Maria Lopez")]
    [InlineData("  Jo  ", "Jo")]
    [InlineData("Louis 14", "Louis 14")]
    [InlineData("+1 415 555 0199", null)]
    [InlineData("Call 911", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void SpeakableName_NameWithThreeDigitsOrMore_IsNotSaid(string? name, string? expected) =>
        Assert.Equal(expected, ScreeningPrompt.SpeakableName(name));

    [Fact]
    public void For_GroupCallWithNameAndLastText_SaysAllOfItThenAsksForOne()
    {
        var context = new CallContext("Acme Org", "Field Team", null)
        {
            ContactName = "Maria",
            LastTextAt = Now.AddHours(-3),
        };

        Assert.Equal(
            "You have a call from Maria, a contact of Acme Org, group Field Team. You texted them 3 hours ago. " +
            "Press 1 to accept the call. Press any other key to decline.",
            ScreeningPrompt.For(context, Now));
    }

    [Fact]
    public void For_NothingKnownButTheOrganization_StaysShort() =>
        Assert.Equal(
            "You have a call from a contact of Acme Org. Press 1 to accept the call. Press any other key to decline.",
            ScreeningPrompt.For(new CallContext("Acme Org", null, null), Now));
}
