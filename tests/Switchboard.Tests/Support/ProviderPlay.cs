using System.Net;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Switchboard.Twilio;

namespace Switchboard.Tests.Support;

/// <summary>
/// One provider as the conformance suite plays it: how it signs a webhook, the ids it gives calls, the fake of its
/// REST API, and what its markup lets the provider do. Adding a provider to the suite is one more of these.
/// </summary>
public abstract class ProviderPlay : IAsyncDisposable
{
    public abstract string Name { get; }

    public abstract string NewCallSid();

    /// <summary>Starts the fake REST API and points the app at it, with the keys webhooks are verified with.</summary>
    public abstract Task ConfigureAsync(SwitchboardApp app);

    /// <summary>Signs a webhook as the provider does: over the public URL and form, or over the raw body.</summary>
    public abstract void Sign(HttpRequestMessage request, string publicUrl, IReadOnlyList<KeyValuePair<string,
        string>> form, byte[] body);

    /// <summary>The last call Switchboard asked the fake REST API to create (an agent-made call).</summary>
    public abstract CreatedCall? LastCreated { get; }

    public abstract ValueTask DisposeAsync();

    /// <summary>Stores a recording of this call at the fake, as a provider does after a Record verb; its id.</summary>
    public abstract string AddRecording(string callSid, byte[] audio);

    /// <summary>The fake's call resource now says the call ended normally after this many seconds.</summary>
    public abstract void EndCall(string callSid, int seconds, DateTimeOffset endedAt);

    /// <summary>The fake's call resource now says the call is still going (answered, not ended).</summary>
    public abstract void CallGoesOn(string callSid);

    /// <summary>
    /// The body the provider posts to <paramref name="publicUrl"/> for what the table says in Twilio's form fields
    /// (<c>CallSid</c>, <c>Digits</c>, <c>DialCallStatus</c>, …): that form itself, unless the provider speaks
    /// otherwise.
    /// </summary>
    public virtual async Task<HttpContent> BodyAsync(string publicUrl, Dictionary<string, string> form)
    {
        var body = new ByteArrayContent(await new FormUrlEncodedContent(form).ReadAsByteArrayAsync());
        body.Headers.ContentType = new("application/x-www-form-urlencoded");
        return body;
    }

    /// <summary>
    /// The provider's answer in the table's words (TwiML's verbs and attributes), after checking it as the provider
    /// would: unchanged, unless the provider speaks another markup.
    /// </summary>
    public virtual TwiMLAnswer Read(TwiMLAnswer answer) => answer;

    /// <summary>What a call Switchboard refuses is answered with.</summary>
    public virtual IReadOnlyList<string> RejectVerbs => ["Reject"];

    /// <summary>What a webhook without the provider's signature gets.</summary>
    public virtual HttpStatusCode UnsignedStatus => HttpStatusCode.Forbidden;

    public static ProviderPlay For(string name) => name switch
    {
        "twilio" => new TwilioPlay(),
        "signalwire" => new SignalWirePlay(),
        "telnyx" => new TelnyxPlay(),
        "bandwidth" => new BandwidthPlay(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static readonly string[] Names = ["twilio", "signalwire", "telnyx", "bandwidth"];
}

/// <summary>A call created at a provider's REST API, in the words the suite needs.</summary>
public sealed record CreatedCall(string Sid, string? From, string? To, string? Url, string? StatusCallback);

/// <summary>Posts signed webhooks for one provider and reads the markup answers.</summary>
public sealed class ProviderClient(HttpClient http, ProviderPlay play)
{
    public ProviderPlay Play => play;

    public Task<TwiMLAnswer> PostAsync(string pathOrUrl, Dictionary<string, string> form, bool signed = true)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl
            : SwitchboardApp.PublicBaseUrl + pathOrUrl;
        return SendAsync(url, form, signed);
    }

    private async Task<TwiMLAnswer> SendAsync(string publicUrl, Dictionary<string, string> form, bool signed)
    {
        var uri = new Uri(publicUrl);
        var content = await play.BodyAsync(publicUrl, form);
        var body = await content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri.PathAndQuery) { Content = content };
        if (signed)
        {
            play.Sign(request, publicUrl, [.. form], body);
        }

        using var response = await http.SendAsync(request);
        return play.Read(new TwiMLAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync()));
    }
}

public sealed class TwilioPlay : ProviderPlay
{
    private FakeTwilioApi? _api;

    public override string Name => "twilio";

    public override string NewCallSid() => "CA" + Guid.NewGuid().ToString("N");

    public override async Task ConfigureAsync(SwitchboardApp app)
    {
        _api = await FakeTwilioApi.StartAsync();
        _api.Configure(app);
        app.Settings["Switchboard:Provider"] = "Twilio";
    }

    public override void Sign(HttpRequestMessage request, string publicUrl, IReadOnlyList<KeyValuePair<string,
        string>> form, byte[] body) =>
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(SwitchboardApp.AuthToken, publicUrl, form));

    public override CreatedCall? LastCreated => _api?.Created.LastOrDefault() is { } c
        ? new(c.Sid, c.From, c.To, c.Url, c.StatusCallback)
        : null;

    public override string AddRecording(string callSid, byte[] audio) => _api!.AddRecording(audio);

    public override void EndCall(string callSid, int seconds, DateTimeOffset endedAt) =>
        _api!.Calls[callSid] = new FakeTwilioApi.CallState("completed", seconds, endedAt);

    public override void CallGoesOn(string callSid) =>
        _api!.Calls[callSid] = new FakeTwilioApi.CallState("in-progress");

    public override async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}

public sealed class SignalWirePlay : ProviderPlay
{
    public const string SigningKey = "test-signalwire-signing-key";

    private FakeSignalWireApi? _api;

    public override string Name => "signalwire";

    public override string NewCallSid() => Guid.NewGuid().ToString();

    public override async Task ConfigureAsync(SwitchboardApp app)
    {
        _api = await FakeSignalWireApi.StartAsync();
        _api.Configure(app);
        app.Settings["Switchboard:SignalWire:SigningKey"] = SigningKey;
        app.Settings["Switchboard:Provider"] = "SignalWire";
    }

    /// <summary>SignalWire signs as Twilio does, with the project's signing key, in its own header.</summary>
    public override void Sign(HttpRequestMessage request, string publicUrl, IReadOnlyList<KeyValuePair<string,
        string>> form, byte[] body) =>
        request.Headers.Add("X-SignalWire-Signature", TwilioSignature.Compute(SigningKey, publicUrl, form));

    public override CreatedCall? LastCreated => _api?.Created.LastOrDefault();

    public override string AddRecording(string callSid, byte[] audio) => _api!.AddRecording(audio);

    public override void EndCall(string callSid, int seconds, DateTimeOffset endedAt) =>
        _api!.Calls[callSid] = ("completed", seconds, endedAt);

    public override void CallGoesOn(string callSid) => _api!.Calls[callSid] = ("in-progress", null, null);

    public override async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}

public sealed class TelnyxPlay : ProviderPlay
{
    /// <summary>The test's stand-in for Telnyx's signing key; the app holds only its public half.</summary>
    public static readonly Ed25519PrivateKeyParameters Key = new(new byte[32].Select((_, i)
        => (byte)(i * 7 + 1)).ToArray(), 0);

    public static string PublicKey => Convert.ToBase64String(Key.GeneratePublicKey().GetEncoded());

    private FakeTelnyxApi? _api;
    private SwitchboardApp? _app;

    public override string Name => "telnyx";

    public override string NewCallSid() => "v3:" + Guid.NewGuid().ToString("N");

    public override async Task ConfigureAsync(SwitchboardApp app)
    {
        _app = app;
        _api = await FakeTelnyxApi.StartAsync();
        _api.Configure(app);
        app.Settings["Switchboard:Telnyx:PublicKey"] = PublicKey;
        app.Settings["Switchboard:Provider"] = "Telnyx";
    }

    public override void Sign(HttpRequestMessage request, string publicUrl, IReadOnlyList<KeyValuePair<string,
        string>> form, byte[] body)
    {
        var timestamp = (_app?.Clock.GetUtcNow() ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("telnyx-timestamp", timestamp);
        request.Headers.Add("telnyx-signature-ed25519", SignBody(timestamp, body));
    }

    public static string SignBody(string timestamp, byte[] body)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, Key);
        var message = Encoding.ASCII.GetBytes(timestamp + "|").Concat(body).ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        return Convert.ToBase64String(signer.GenerateSignature());
    }

    public override CreatedCall? LastCreated => _api?.Created.LastOrDefault();

    public override string AddRecording(string callSid, byte[] audio) => _api!.AddRecording(audio);

    public override void EndCall(string callSid, int seconds, DateTimeOffset endedAt) =>
        _api!.Calls[callSid] = (false, seconds, endedAt);

    public override void CallGoesOn(string callSid) => _api!.Calls[callSid] = (true, 0, null);

    public override async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}
