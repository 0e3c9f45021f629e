using System.Xml.Linq;
using Switchboard.Twilio;

namespace Switchboard.Tests.Twilio;

public sealed class TwiMLTests
{
    private static XElement Parse(string twiml)
    {
        var root = XDocument.Parse(twiml).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        return root;
    }

    [Fact]
    public void Reject_IsASingleRejectVerb() =>
        Assert.Equal(["Reject"], Parse(TwiML.Reject()).Elements().Select(e => e.Name.LocalName));

    [Fact]
    public void Forward_DialsTheTargetShowingThePlatformNumberWithoutAPrompt()
    {
        var dial = Parse(TwiML.Forward("+14155550100", "+14155550177", "https://x/end", "https://x/status"))
            .Element("Dial")!;

        Assert.Equal("+14155550100", dial.Attribute("callerId")?.Value);
        Assert.Equal("+14155550177", dial.Element("Number")!.Value);
        Assert.Null(dial.Element("Number")!.Attribute("url"));
    }

    [Fact]
    public void DialAgent_WaitsForTheScreeningBeforeBridging()
    {
        var dial = Parse(
            TwiML.DialAgent("+14155550100", "+14155550111", "https://x/screen", "https://x/end", "https://x/status"))
            .Element("Dial")!;

        Assert.Equal("true", dial.Attribute("answerOnBridge")?.Value);
        Assert.Equal("https://x/end", dial.Attribute("action")?.Value);
        Assert.Equal("https://x/screen", dial.Element("Number")!.Attribute("url")?.Value);
    }

    [Fact]
    public void DialContact_ShowsThePlatformNumberAndFollowsTheContactsLeg()
    {
        var dial = Parse(TwiML.DialContact("+14155550100", "+14155550199", "https://x/end", "https://x/status/contact"))
            .Element("Dial")!;

        Assert.Equal("+14155550100", dial.Attribute("callerId")?.Value);
        Assert.Equal("true", dial.Attribute("answerOnBridge")?.Value);
        Assert.Equal("+14155550199", dial.Element("Number")!.Value);
        Assert.Null(dial.Element("Number")!.Attribute("url"));
        Assert.Equal("https://x/status/contact", dial.Element("Number")!.Attribute("statusCallback")?.Value);
    }

    [Fact]
    public void Screen_AsksForOneKeyAndReportsSilenceToo()
    {
        var gather = Parse(TwiML.Screen("Press 1", "https://x/screened")).Element("Gather")!;

        Assert.Equal("1", gather.Attribute("numDigits")?.Value);
        Assert.Equal("true", gather.Attribute("actionOnEmptyResult")?.Value);
        Assert.Equal("Press 1", gather.Element("Say")!.Value);
    }

    [Fact]
    public void Screen_NameWithMarkup_IsEscapedAndReadBackUnchanged()
    {
        const string prompt = "A call for Tom & Jerry <Inc> \"quoted\"";

        Assert.Equal(
            prompt,
            Parse(TwiML.Screen(prompt, "https://x/screened?a=1&b=2")).Element("Gather")!.Element("Say")!.Value);
    }

    [Fact]
    public void SayThenHangup_SpeaksThenEnds() =>
        Assert.Equal(
            ["Say", "Hangup"],
            Parse(TwiML.SayThenHangup(TwiML.UnavailableMessage)).Elements().Select(e => e.Name.LocalName));

    [Fact]
    public void DialTeam_RingsEveryAgentWithItsOwnScreeningAndKeepsTwiliosRules()
    {
        var legs = Enumerable.Range(0, 10)
            .Select(i => ($"+1415555{i:D4}", $"https://sb.example.org/team/{i}/screen"))
            .ToList();

        var twiml = TwiML.DialTeam("+14155550100", legs, 20, "https://sb.example.org/team-ended");

        var numbers = Parse(twiml).Descendants("Number").ToList();
        Assert.Equal(10, numbers.Count);
        Assert.All(numbers, n => Assert.EndsWith("/screen", n.Attribute("url")!.Value));
        Assert.Empty(Support.TwiMLRules.Broken(twiml));
    }

    [Fact]
    public void DialTeam_RefusesMoreNumbersThanTwilioRingsAtOnce() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TwiML.DialTeam(
            "+14155550100",
            [.. Enumerable.Range(0, 11).Select(i => ($"+1415555{i:D4}", "https://sb.example.org/s"))],
            20,
            "https://sb.example.org/e"));

    [Fact]
    public void TheTwiMLRulesCatchADialOfElevenNumbersAndABadTimeout()
    {
        var numbers = string.Concat(Enumerable.Range(0, 11).Select(i => $"<Number>+1415555{i:D4}</Number>"));

        var broken = Support.TwiMLRules.Broken($"<Response><Dial timeout=\"3\">{numbers}</Dial></Response>");

        Assert.Equal(2, broken.Count);
    }
}
