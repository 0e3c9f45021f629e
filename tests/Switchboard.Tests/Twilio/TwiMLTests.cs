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
}
