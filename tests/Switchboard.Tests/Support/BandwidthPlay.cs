using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Switchboard.Tests.Support;

/// <summary>
/// Bandwidth as the conformance suite plays it. It walks a call as Bandwidth does: each BXML answer is checked
/// against Bandwidth's verb references (<see cref="FakeBandwidthApi.BxmlProblems"/>), every URL it names is
/// remembered with the event Bandwidth sends there (<c>transferAnswerUrl</c> → <c>transferAnswer</c>,
/// <c>gatherUrl</c> → <c>gather</c>, …) and the credentials the verb carries, and each webhook is that JSON event,
/// signed in with HTTP Basic auth. The application's own URLs (<c>initiate</c>, <c>disconnect</c>) use the
/// application's callback credentials. The table speaks TwiML's words, so the answers are read back in them
/// (<c>Transfer</c> as <c>Dial</c>, <c>PhoneNumber</c> as <c>Number</c>, <c>SpeakSentence</c> as <c>Say</c>, …).
/// </summary>
public sealed class BandwidthPlay : ProviderPlay
{
    public const string CallbackUsername = "bandwidth-callbacks";
    public const string CallbackPassword = "test-bandwidth-callback-password";

    private readonly ConcurrentDictionary<string, Callback> _callbacks = new();
    private FakeBandwidthApi? _api;
    private SwitchboardApp? _app;

    private sealed record Callback(string EventType, string? User, string? Password);

    public override string Name => "bandwidth";

    public override string NewCallSid() => "c-" + Guid.NewGuid().ToString("N");

    public override IReadOnlyList<string> RejectVerbs => ["Hangup"];

    public override HttpStatusCode UnsignedStatus => HttpStatusCode.Unauthorized;

    public static string BasicAuth(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public override async Task ConfigureAsync(SwitchboardApp app)
    {
        _app = app;
        _api = await FakeBandwidthApi.StartAsync();
        _api.Configure(app);
        app.Settings["Switchboard:Bandwidth:CallbackUsername"] = CallbackUsername;
        app.Settings["Switchboard:Bandwidth:CallbackPassword"] = CallbackPassword;
        app.Settings["Switchboard:Provider"] = "Bandwidth";
        var webhooks = SwitchboardApp.PublicBaseUrl + "/webhooks/bandwidth";
        _callbacks[webhooks + "/voice"] = new("initiate", CallbackUsername, CallbackPassword);
        _callbacks[webhooks + "/status"] = new("disconnect", CallbackUsername, CallbackPassword);
    }

    public override void Sign(HttpRequestMessage request, string publicUrl, IReadOnlyList<KeyValuePair<string,
        string>> form, byte[] body)
    {
        if (_callbacks.TryGetValue(publicUrl, out var callback) && callback is { User: { } user, Password: { } pass })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicAuth(user, pass));
        }
    }

    /// <summary>The agent-made call; its answer and disconnect URLs are Bandwidth's to call from now on.</summary>
    public override CreatedCall? LastCreated
    {
        get
        {
            if (_api?.Created.LastOrDefault() is not { } call)
            {
                return null;
            }

            _callbacks[call.AnswerUrl] = new("answer", call.User, call.Password);
            if (call.DisconnectUrl is { } disconnect)
            {
                _callbacks[disconnect] = new("disconnect", call.User, call.Password);
            }

            return new(call.CallId, call.From, call.To, call.AnswerUrl, call.DisconnectUrl);
        }
    }

    public override string AddRecording(string callSid, byte[] audio) => _api!.AddRecording(callSid, audio);

    public override void EndCall(string callSid, int seconds, DateTimeOffset endedAt) =>
        _api!.Calls[callSid] = ("disconnected", "hangup", endedAt.AddSeconds(-seconds), endedAt);

    public override void CallGoesOn(string callSid) =>
        _api!.Calls[callSid] = ("answered", null, _app!.Clock.GetUtcNow(), null);

    public override Task<HttpContent> BodyAsync(string publicUrl, Dictionary<string, string> form)
    {
        var callback = _callbacks.TryGetValue(publicUrl, out var known) ? known
            : throw new InvalidOperationException($"Bandwidth was never given {publicUrl} to call");
        var now = _app?.Clock.GetUtcNow() ?? DateTimeOffset.UtcNow;
        string? Field(string name) => form.TryGetValue(name, out var value) ? value : null;
        var json = new JsonObject
        {
            ["eventType"] = callback.EventType,
            ["eventTime"] = Iso(now),
            ["accountId"] = FakeBandwidthApi.AccountId,
            ["applicationId"] = FakeBandwidthApi.ApplicationId,
            ["direction"] = Field("Direction") ?? "inbound",
            ["callId"] = Field("CallSid"),
            ["callUrl"] = $"https://voice.bandwidth.com/api/v2/accounts/{FakeBandwidthApi.AccountId}/calls/"
                + Field("CallSid"),
        };
        if (Field("From") is { } from)
        {
            json["from"] = from;
        }

        if (Field("To") is { } to)
        {
            json["to"] = to;
        }

        switch (callback.EventType)
        {
            case "initiate":
                json["startTime"] = Iso(now);
                break;
            case "answer":
                json["startTime"] = Iso(now.AddSeconds(-5));
                json["answerTime"] = Iso(now);
                break;
            case "transferAnswer":
                json["answerTime"] = Iso(now);
                json["parentCallId"] = Field("ParentCallId");
                break;
            case "gather":
                json["digits"] = Field("Digits") ?? "";
                json["terminatingDigit"] = "";
                break;
            case "transferComplete":
                var seconds = int.TryParse(Field("DialCallDuration"), out var s) ? s : (int?)null;
                json["cause"] = Cause(Field("DialCallStatus"));
                if (seconds is not null || Field("DialBridged") == "true")
                {
                    json["answerTime"] = Iso(now.AddSeconds(-(seconds ?? 0)));
                }

                json["endTime"] = Iso(now);
                break;
            case "transferDisconnect" or "disconnect":
                json["cause"] = Cause(Field("CallStatus"));
                json["startTime"] = Iso(now.AddMinutes(-1));
                json["endTime"] = Iso(now);
                break;
            case "recordComplete" or "recordingAvailable":
                var length = int.TryParse(Field("RecordingDuration"), out var l) ? l : 10;
                json["recordingId"] = Field("RecordingSid") ?? "r-" + Guid.NewGuid().ToString("N");
                json["startTime"] = Iso(now.AddSeconds(-length));
                json["endTime"] = Iso(now);
                json["duration"] = $"PT{length}S";
                json["mediaUrl"] = Field("RecordingUrl");
                json["fileFormat"] = "wav";
                json["channels"] = 1;
                if (callback.EventType == "recordingAvailable")
                {
                    json["status"] = "complete";
                }

                break;
        }

        return Task.FromResult<HttpContent>(
            new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
    }

    public override TwiMLAnswer Read(TwiMLAnswer answer)
    {
        var problems = FakeBandwidthApi.BxmlProblems(answer.Body);
        Assert.True(problems.Count == 0, $"Bandwidth would refuse this BXML ({string.Join("; ", problems)}): "
            + answer.Body);
        var response = XDocument.Parse(answer.Body).Root!;
        foreach (var verb in response.Descendants())
        {
            Learn(verb);
        }

        var read = new XElement("Response", response.Elements().Select(InTwiMLWords));
        return answer with { Body = read.ToString(SaveOptions.DisableFormatting) };
    }

    public override async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    /// <summary>Which event Bandwidth sends to each URL a verb names, signed in with the verb's credentials.</summary>
    private void Learn(XElement verb)
    {
        var (user, password) = (verb.Attribute("username")?.Value, verb.Attribute("password")?.Value);
        foreach (var (attribute, eventType) in new[]
        {
            ("transferAnswerUrl", "transferAnswer"),
            ("transferDisconnectUrl", "transferDisconnect"),
            ("transferCompleteUrl", "transferComplete"),
            ("gatherUrl", "gather"),
            ("recordCompleteUrl", "recordComplete"),
            ("recordingAvailableUrl", "recordingAvailable"),
            ("transcriptionAvailableUrl", "transcriptionAvailable"),
        })
        {
            if (verb.Attribute(attribute)?.Value is { } url)
            {
                _callbacks[url] = new(eventType, user, password);
            }
        }
    }

    private static XElement InTwiMLWords(XElement verb) => verb.Name.LocalName switch
    {
        "Transfer" => new XElement("Dial",
            Copy(verb, "transferCallerId", "callerId"),
            Copy(verb, "transferCompleteUrl", "action"),
            verb.Elements().Select(InTwiMLWords)),
        "PhoneNumber" => new XElement("Number",
            Copy(verb, "transferAnswerUrl", "url"),
            Copy(verb, "transferDisconnectUrl", "statusCallback"),
            verb.Value),
        "SpeakSentence" => new XElement("Say", verb.Value),
        "PlayAudio" => new XElement("Play", verb.Value),
        // Bandwidth sends the gather event when the Gather ends, a timeout included (digits "").
        "Gather" => new XElement("Gather",
            Copy(verb, "gatherUrl", "action"),
            Copy(verb, "maxDigits", "numDigits"),
            new XAttribute("actionOnEmptyResult", "true"),
            verb.Elements().Select(InTwiMLWords)),
        "Record" => new XElement("Record",
            Copy(verb, "recordCompleteUrl", "action"),
            Copy(verb, "recordingAvailableUrl", "recordingStatusCallback"),
            Copy(verb, "maxDuration", "maxLength")),
        _ => new XElement(verb.Name.LocalName),
    };

    private static XAttribute? Copy(XElement verb, string bxml, string twiml) =>
        verb.Attribute(bxml) is { } value ? new XAttribute(twiml, value.Value) : null;

    /// <summary>The table's Twilio status as the <c>cause</c> Bandwidth reports a leg's end with.</summary>
    private static string Cause(string? status) => status switch
    {
        "busy" => "busy",
        "no-answer" => "timeout",
        "canceled" => "cancel",
        "failed" => "error",
        _ => "hangup",
    };

    private static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
