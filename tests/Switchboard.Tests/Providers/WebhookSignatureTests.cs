using System.Net;
using System.Text;
using System.Xml.Linq;
using Org.BouncyCastle.Crypto.Parameters;
using Switchboard.Telnyx;
using Switchboard.Tests.Support;
using Switchboard.Twilio;

namespace Switchboard.Tests.Providers;

/// <summary>
/// How SignalWire's and Telnyx's webhooks are verified: a forged, unsigned or replayed webhook gets 403 with the
/// provider's markup (never a 5xx) and leaves no call behind.
/// </summary>
[Trait("Database", "yes")]
public sealed class WebhookSignatureTests : IDisposable
{
    private const string Body = "CallSid=v3%3Aabc&From=%2B14155550199&To=%2B14155559999&CallStatus=ringing";

    private readonly SwitchboardApp _app = new();

    public WebhookSignatureTests()
    {
        _app.Settings["Switchboard:SignalWire:SigningKey"] = SignalWirePlay.SigningKey;
        _app.Settings["Switchboard:Telnyx:PublicKey"] = TelnyxPlay.PublicKey;
    }

    public void Dispose() => _app.Dispose();

    private string Now(int minutesFromNow = 0) =>
        _app.Clock.GetUtcNow().AddMinutes(minutesFromNow).ToUnixTimeSeconds()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string body, params (string Name,
        string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await _app.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AssertRefusedWithMarkup((HttpStatusCode Status, string Body) answer)
    {
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("Response", XDocument.Parse(answer.Body).Root!.Name.LocalName);
    }

    [Fact]
    public async Task TelnyxWebhookSignedWithTheAccountKeyIsAnswered()
    {
        var timestamp = Now();
        var answer = await PostAsync("/webhooks/telnyx/voice", Body,
            ("telnyx-timestamp", timestamp), ("telnyx-signature-ed25519", TelnyxPlay.SignBody(timestamp,
                Encoding.ASCII.GetBytes(Body))));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("Reject", XDocument.Parse(answer.Body).Root!.Elements().Single().Name.LocalName);
    }

    [Fact]
    public async Task TelnyxWebhookSignedByAnotherKeyIsRefused()
    {
        var other = new Ed25519PrivateKeyParameters(new byte[32], 0);
        var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        signer.Init(true, other);
        var timestamp = Now();
        var message = TelnyxSignature.Message(timestamp, Encoding.ASCII.GetBytes(Body));
        signer.BlockUpdate(message, 0, message.Length);

        AssertRefusedWithMarkup(await PostAsync("/webhooks/telnyx/voice", Body,
            ("telnyx-timestamp", timestamp), ("telnyx-signature-ed25519",
                Convert.ToBase64String(signer.GenerateSignature()))));
    }

    [Fact]
    public async Task TelnyxWebhookWhoseBodyChangedAfterSigningIsRefused()
    {
        var timestamp = Now();
        var signature = TelnyxPlay.SignBody(timestamp, Encoding.ASCII.GetBytes(Body));

        AssertRefusedWithMarkup(await PostAsync("/webhooks/telnyx/voice", Body.Replace("9999", "9998"),
            ("telnyx-timestamp", timestamp), ("telnyx-signature-ed25519", signature)));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task TelnyxWebhookOutsideTheTimestampToleranceIsARefusedReplay(int minutes)
    {
        var timestamp = Now(minutes);

        AssertRefusedWithMarkup(await PostAsync("/webhooks/telnyx/voice", Body,
            ("telnyx-timestamp", timestamp), ("telnyx-signature-ed25519", TelnyxPlay.SignBody(timestamp,
                Encoding.ASCII.GetBytes(Body)))));
    }

    [Fact]
    public async Task TelnyxTimestampToleranceIsConfigurable()
    {
        _app.Settings["Switchboard:Telnyx:SignatureTolerance"] = "00:10:00";
        var timestamp = Now(-6);

        var answer = await PostAsync("/webhooks/telnyx/voice", Body,
            ("telnyx-timestamp", timestamp), ("telnyx-signature-ed25519", TelnyxPlay.SignBody(timestamp,
                Encoding.ASCII.GetBytes(Body))));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not-a-number", "AAAA")]
    [InlineData("1", "not base64!")]
    [InlineData("99999999999999999999", "AAAA")]
    public async Task TelnyxWebhookWithoutAUsableSignatureIsRefused(string? timestamp, string? signature)
    {
        var headers = new List<(string, string)>();
        if (timestamp is not null)
        {
            headers.Add(("telnyx-timestamp", timestamp));
        }

        if (signature is not null)
        {
            headers.Add(("telnyx-signature-ed25519", signature));
        }

        AssertRefusedWithMarkup(await PostAsync("/webhooks/telnyx/voice", Body, [.. headers]));
    }

    [Theory]
    [InlineData("X-SignalWire-Signature")]
    [InlineData("X-Twilio-Signature")]
    public async Task SignalWireWebhookSignedWithTheSigningKeyInEitherHeaderIsAnswered(string header)
    {
        var form = Form();
        var signature = TwilioSignature.Compute(SignalWirePlay.SigningKey,
            SwitchboardApp.PublicBaseUrl + "/webhooks/signalwire/voice", form);

        var answer = await PostAsync("/webhooks/signalwire/voice", Encode(form), (header, signature));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task SignalWireWebhookSignedWithTwiliosAuthTokenIsRefused()
    {
        var form = Form();
        var signature = TwilioSignature.Compute(SwitchboardApp.AuthToken,
            SwitchboardApp.PublicBaseUrl + "/webhooks/signalwire/voice", form);

        AssertRefusedWithMarkup(await PostAsync("/webhooks/signalwire/voice", Encode(form), ("X-SignalWire-Signature",
            signature)));
    }

    [Fact]
    public async Task TwilioSignedWebhookCannotEnterThroughTelnyxOrSignalWire()
    {
        var form = Form();
        foreach (var provider in new[] { "signalwire", "telnyx" })
        {
            var signature = TwilioSignature.Compute(SwitchboardApp.AuthToken,
                $"{SwitchboardApp.PublicBaseUrl}/webhooks/{provider}/voice", form);
            AssertRefusedWithMarkup(await PostAsync($"/webhooks/{provider}/voice", Encode(form), ("X-Twilio-Signature",
                signature)));
        }
    }

    private static Dictionary<string, string> Form() => new()
    {
        ["CallSid"] = Guid.NewGuid().ToString(),
        ["From"] = "+14155550199",
        ["To"] = "+14155559999",
        ["CallStatus"] = "ringing",
    };

    private static string Encode(Dictionary<string, string> form) =>
        string.Join('&', form.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
}
