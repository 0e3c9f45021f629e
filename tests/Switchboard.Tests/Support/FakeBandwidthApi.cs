using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Support;

/// <summary>
/// Bandwidth's Voice API ("Create Call") and its BXML reference, played by a real HTTP server on a loopback port.
/// As its reference says: <c>POST /api/v2/accounts/{accountId}/calls</c> with the API user's Basic auth and a JSON
/// body whose <c>from</c>, <c>to</c> (E.164), <c>applicationId</c> and <c>answerUrl</c> are required, methods GET or
/// POST, and no field it does not document; it answers 201 with the call (<c>callId</c>, <c>callUrl</c>, …), or an
/// error <c>{type, description}</c>. <see cref="BxmlProblems"/> checks a BXML document as Bandwidth's verb
/// references describe it: well-formed, a <c>Response</c> root, documented verbs, attributes and nesting only.
/// Recordings and calls as the Recordings and Calls references say, with the same Basic auth: "Download Recording"
/// (<c>GET /api/v2/accounts/{accountId}/calls/{callId}/recordings/{recordingId}/media</c>), "Delete Recording"
/// (<c>DELETE …/recordings/{recordingId}</c>, 204) and "Get Call State Information"
/// (<c>GET /api/v2/accounts/{accountId}/calls/{callId}</c>: <c>state</c>, <c>disconnectCause</c>,
/// <c>answerTime</c>, <c>endTime</c>), 404 for what it does not hold.
/// </summary>
public sealed partial class FakeBandwidthApi : IAsyncDisposable
{
    public const string AccountId = "9900001";
    public const string Username = "api-user-test";
    public const string Password = "api-password-test";
    public const string ApplicationId = "a1b2c3d4-0000-4000-8000-000000000001";

    private static readonly HashSet<string> CreateCallFields =
    [
        "from", "to", "privacy", "displayName", "uui", "applicationId", "answerUrl", "answerMethod", "username",
        "password", "answerFallbackUrl", "answerFallbackMethod", "fallbackUsername", "fallbackPassword",
        "disconnectUrl", "disconnectMethod", "callTimeout", "callbackTimeout", "machineDetection", "priority", "tag",
    ];

    /// <summary>The verbs Switchboard may answer with, and the attributes each one's reference lists.</summary>
    private static readonly Dictionary<string, HashSet<string>> Verbs = new()
    {
        ["SpeakSentence"] = ["voice", "gender", "locale"],
        ["PlayAudio"] = ["username", "password"],
        ["Hangup"] = [],
        ["Pause"] = ["duration"],
        ["Gather"] =
        [
            "gatherUrl", "gatherMethod", "gatherFallbackUrl", "gatherFallbackMethod", "terminatingDigits",
            "maxDigits", "interDigitTimeout", "firstDigitTimeout", "repeatCount", "username", "password",
            "fallbackUsername", "fallbackPassword", "tag",
        ],
        ["Record"] =
        [
            "recordCompleteUrl", "recordCompleteMethod", "recordCompleteFallbackUrl", "recordCompleteFallbackMethod",
            "recordingAvailableUrl", "recordingAvailableMethod", "transcribe", "transcriptionAvailableUrl",
            "transcriptionAvailableMethod", "username", "password", "fallbackUsername", "fallbackPassword", "tag",
            "terminatingDigits", "maxDuration", "silenceTimeout", "fileFormat", "detectLanguage",
        ],
        ["Transfer"] =
        [
            "transferCallerId", "transferCallerDisplayName", "callTimeout", "transferCompleteUrl",
            "transferCompleteMethod", "transferCompleteFallbackUrl", "transferCompleteFallbackMethod", "username",
            "password", "fallbackUsername", "fallbackPassword", "tag", "diversionTreatment", "diversionReason",
        ],
    };

    /// <summary>The locales of SpeakSentence's voice table (it lists no <c>es_US</c>).</summary>
    private static readonly HashSet<string> Locales =
        ["en_US", "en_UK", "de", "es", "es_MX", "fr", "it", "ja", "ru", "ar", "pt_BR", "zh", "ko", "nl"];

    private static readonly HashSet<string> PhoneNumberAttributes =
    [
        "transferAnswerUrl", "transferAnswerMethod", "transferAnswerFallbackUrl", "transferAnswerFallbackMethod",
        "transferDisconnectUrl", "transferDisconnectMethod", "username", "password", "fallbackUsername",
        "fallbackPassword", "tag",
    ];

    private readonly WebApplication _app;
    private readonly string _accountId;
    private readonly string _username;
    private readonly string _password;
    private readonly string _applicationId;

    private FakeBandwidthApi(
        WebApplication app, string accountId, string username, string password, string applicationId)
    {
        _app = app;
        (_accountId, _username, _password, _applicationId) = (accountId, username, password, applicationId);
        app.MapPost("/api/v2/accounts/{accountId}/calls", CreateAsync);
        app.MapGet("/api/accounts/{accountId}/applications/{applicationId}", GetApplication);
        app.MapMethods(
            "/api/accounts/{accountId}/applications/{applicationId}", ["PATCH"], PatchApplicationAsync);
        app.MapGet("/api/v2/accounts/{accountId}/calls/{callId}/recordings/{recordingId}/media", DownloadRecording);
        app.MapDelete("/api/v2/accounts/{accountId}/calls/{callId}/recordings/{recordingId}", DeleteRecording);
        app.MapGet(
            "/api/v2/accounts/{accountId}/calls/{callId}/recordings/{recordingId}/transcription", GetTranscription);
        app.MapGet("/api/v2/accounts/{accountId}/calls/{callId}", CallState);
    }

    /// <summary>The account's recordings, by their call's id and their own.</summary>
    public ConcurrentDictionary<(string CallId, string RecordingId), byte[]> Recordings { get; } = new();

    /// <summary>The recordings' transcripts, in the parts "Get Transcription" answers them.</summary>
    public ConcurrentDictionary<(string CallId, string RecordingId), string[]> Transcripts { get; } = new();

    /// <summary>What "Get Call State Information" says of each call it knows, by its callId.</summary>
    public ConcurrentDictionary<string, (string State, string? Cause, DateTimeOffset? AnswerTime,
        DateTimeOffset? EndTime)> Calls { get; } = new();

    public string AddRecording(string callId, byte[] audio)
    {
        var id = "r-" + Guid.NewGuid();
        Recordings[(callId, id)] = audio;
        return id;
    }

    /// <summary>The Voice application's settings as the Dashboard API keeps them (the callback password too).</summary>
    public ConcurrentDictionary<string, string> Application { get; } = new()
    {
        ["AppName"] = "Switchboard",
        ["CallInitiatedCallbackUrl"] = "https://elsewhere.example.net/initiate",
        ["CallInitiatedMethod"] = "POST",
    };

    /// <summary>How many times the application was changed.</summary>
    public int Patches { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<BandwidthCall> Created { get; } = new();

    /// <summary>
    /// A fake of one account: its API user (for the Voice API and the Dashboard API alike, as Bandwidth lets one
    /// user hold both roles) and its Voice application.
    /// </summary>
    public static async Task<FakeBandwidthApi> StartAsync(
        string accountId = AccountId,
        string username = Username,
        string password = Password,
        string applicationId = ApplicationId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var fake = new FakeBandwidthApi(builder.Build(), accountId, username, password, applicationId);
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public void Configure(SwitchboardApp app)
    {
        app.Settings["Switchboard:Bandwidth:AccountId"] = _accountId;
        app.Settings["Switchboard:Bandwidth:Username"] = _username;
        app.Settings["Switchboard:Bandwidth:Password"] = _password;
        app.Settings["Switchboard:Bandwidth:ApplicationId"] = _applicationId;
        app.Settings["Switchboard:Bandwidth:ApiBaseUrl"] = BaseUrl;
        app.Settings["Switchboard:Bandwidth:DashboardApiBaseUrl"] = BaseUrl;
        app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:01";
        app.Settings["Switchboard:Twilio:ApiRetryDelay"] = "00:00:00.050";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What is wrong with a BXML document by Bandwidth's references; empty when nothing is.</summary>
    public static IReadOnlyList<string> BxmlProblems(string body)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(body);
        }
        catch (XmlException e)
        {
            return [$"not well-formed: {e.Message}"];
        }

        var problems = new List<string>();
        if (document.Root is not { Name.LocalName: "Response" } response)
        {
            return ["the root is not <Response>"];
        }

        if (Encoding.UTF8.GetByteCount(body) > 64 * 1024)
        {
            problems.Add("larger than BXML's 64 KB");
        }

        foreach (var verb in response.Elements())
        {
            Check(verb, problems);
        }

        return problems;
    }

    private static void Check(XElement verb, List<string> problems)
    {
        var name = verb.Name.LocalName;
        if (!Verbs.TryGetValue(name, out var attributes))
        {
            problems.Add($"<{name}> is not a verb Switchboard may use");
            return;
        }

        CheckAttributes(verb, attributes, problems);
        var children = verb.Elements().ToList();
        switch (name)
        {
            case "Transfer":
                if (children.Count is 0 or > 8)
                {
                    problems.Add($"<Transfer> with {children.Count} destinations (1 to 8)");
                }

                foreach (var child in children)
                {
                    if (child.Name.LocalName != "PhoneNumber")
                    {
                        problems.Add($"<{child.Name.LocalName}> inside <Transfer>");
                        continue;
                    }

                    CheckAttributes(child, PhoneNumberAttributes, problems);
                    if (!E164().IsMatch(child.Value))
                    {
                        problems.Add($"<PhoneNumber> {child.Value} is not E.164");
                    }
                }

                break;
            case "Gather":
                problems.AddRange(children.Where(c => c.Name.LocalName is not ("SpeakSentence" or "PlayAudio"))
                    .Select(c => $"<{c.Name.LocalName}> inside <Gather>"));
                foreach (var child in children)
                {
                    CheckAttributes(child, Verbs[child.Name.LocalName], problems);
                }

                break;
            default:
                if (children.Count > 0)
                {
                    problems.Add($"<{name}> has child elements");
                }

                break;
        }

        if (verb.Attribute("callTimeout") is { } timeout
            && !(int.TryParse(timeout.Value, out var seconds) && seconds is >= 1 and <= 300))
        {
            problems.Add($"callTimeout {timeout.Value} is not 1 to 300 seconds");
        }

        if (name == "Transfer" && verb.Attribute("transferCallerId") is { } callerId && !E164().IsMatch(callerId.Value))
        {
            problems.Add($"transferCallerId {callerId.Value} is not E.164");
        }
    }

    private static void CheckAttributes(XElement verb, HashSet<string> documented, List<string> problems)
    {
        foreach (var attribute in verb.Attributes())
        {
            var name = attribute.Name.LocalName;
            if (!documented.Contains(name))
            {
                problems.Add($"<{verb.Name.LocalName} {name}> is not documented");
            }
            else if (name.EndsWith("Url", StringComparison.Ordinal)
                && !(Uri.TryCreate(attribute.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                problems.Add($"<{verb.Name.LocalName} {name}> is not an absolute URL");
            }
            else if (name == "locale" && !Locales.Contains(attribute.Value))
            {
                problems.Add($"locale {attribute.Value} is not in SpeakSentence's voice table");
            }
            else if (name.EndsWith("Method", StringComparison.Ordinal) && attribute.Value is not ("GET" or "POST"))
            {
                problems.Add($"<{verb.Name.LocalName} {name}> is not GET or POST");
            }
        }
    }

    private async Task<IResult> CreateAsync(string accountId, HttpRequest request)
    {
        if (!SignedIn(request))
        {
            return Error(HttpStatusCode.Unauthorized, "unauthorized", "Authentication failed");
        }

        if (accountId != _accountId)
        {
            return Error(HttpStatusCode.Forbidden, "forbidden", "Access to this account is forbidden");
        }

        if (!request.HasJsonContentType())
        {
            return Error(HttpStatusCode.UnsupportedMediaType, "validation", "Content-Type must be application/json");
        }

        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "validation", "Malformed JSON");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Error(HttpStatusCode.BadRequest, "validation", "The body must be an object");
        }

        var names = body.EnumerateObject().Select(p => p.Name);
        if (names.FirstOrDefault(n => !CreateCallFields.Contains(n)) is { } unknown)
        {
            return Error(HttpStatusCode.BadRequest, "validation", $"Unrecognized field '{unknown}'");
        }

        string? Text(string name) =>
            body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var (from, to, application, answerUrl) = (Text("from"), Text("to"), Text("applicationId"), Text("answerUrl"));
        if (from is null || !E164().IsMatch(from) || to is null || !E164().IsMatch(to))
        {
            return Error(HttpStatusCode.BadRequest, "validation", $"Invalid 'to' or 'from': {to}");
        }

        if (application != _applicationId)
        {
            return Error(HttpStatusCode.BadRequest, "validation", "Invalid applicationId");
        }

        foreach (var url in new[] { answerUrl, Text("disconnectUrl") })
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && uri.Scheme is "http" or "https"))
            {
                return Error(HttpStatusCode.BadRequest, "validation", "Invalid callback URL");
            }
        }

        if (answerUrl is null || Text("answerMethod") is not (null or "GET" or "POST")
            || Text("disconnectMethod") is not (null or "GET" or "POST"))
        {
            return Error(HttpStatusCode.BadRequest, "validation", "answerUrl is required; methods are GET or POST");
        }

        var callId = "c-" + Guid.NewGuid().ToString("N");
        var call = new BandwidthCall(
            callId, from, to, answerUrl, Text("disconnectUrl"), Text("username"), Text("password"));
        Created.Enqueue(call);
        return Results.Json(
            new
            {
                applicationId = application,
                accountId,
                callId,
                to,
                from,
                callUrl = $"{BaseUrl}/api/v2/accounts/{accountId}/calls/{callId}",
                callTimeout = 30,
                callbackTimeout = 15,
                answerUrl,
                answerMethod = Text("answerMethod") ?? "POST",
                disconnectUrl = Text("disconnectUrl"),
                disconnectMethod = Text("disconnectMethod") ?? "POST",
            },
            statusCode: StatusCodes.Status201Created);
    }

    private bool SignedIn(HttpRequest request) =>
        request.Headers.Authorization.ToString()
            == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_username}:{_password}"));

    /// <summary>
    /// The Dashboard API's application (<c>GET /api/accounts/{accountId}/applications/{applicationId}</c>): Basic auth
    /// of an API user, XML in and out; 401 without the user, 403 for another account, 404 for an unknown application
    /// (its errors are <c>ResponseStatus</c> with an <c>ErrorCode</c> and a <c>Description</c>).
    /// </summary>
    private IResult GetApplication(string accountId, string applicationId, HttpRequest request)
    {
        if (!SignedIn(request))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (accountId != _accountId)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        return applicationId != _applicationId ? NotFound(applicationId) : ApplicationXml();
    }

    /// <summary>
    /// <c>PATCH</c> changes the fields it names: an <c>Application</c> of the Voice fields the reference lists
    /// (absolute callback URLs, methods GET or POST, <c>CallbackCreds</c> with both <c>UserId</c> and
    /// <c>Password</c>); anything else is a 400 <c>ResponseStatus</c>.
    /// </summary>
    private async Task<IResult> PatchApplicationAsync(string accountId, string applicationId, HttpRequest request)
    {
        if (!SignedIn(request))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (accountId != _accountId)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (applicationId != _applicationId)
        {
            return NotFound(applicationId);
        }

        XElement body;
        try
        {
            body = XDocument.Parse(await new StreamReader(request.Body).ReadToEndAsync()).Root!;
        }
        catch (XmlException)
        {
            return Invalid("The request body is not well-formed XML");
        }

        if (body.Name.LocalName != "Application")
        {
            return Invalid("The root element must be Application");
        }

        var changes = new Dictionary<string, string>();
        foreach (var field in body.Elements())
        {
            var name = field.Name.LocalName;
            switch (name)
            {
                case "CallInitiatedFallbackUrl" or "CallStatusCallbackUrl" or "CallInitiatedCallbackUrl"
                    when !(Uri.TryCreate(field.Value, UriKind.Absolute, out var uri)
                        && uri.Scheme is "http" or "https"):
                    return Invalid($"{name} must be an absolute URL");
                case "AppName" or "CallInitiatedFallbackUrl" or "CallStatusCallbackUrl" or "CallInitiatedCallbackUrl":
                    changes[name] = field.Value;
                    break;
                case "CallInitiatedMethod" or "CallStatusMethod" when field.Value is not ("GET" or "POST"):
                    return Invalid($"{name} must be GET or POST");
                case "CallInitiatedMethod" or "CallStatusMethod":
                    changes[name] = field.Value;
                    break;
                case "CallbackCreds" when field.Element("UserId")?.Value is { Length: > 0 } user
                    && field.Element("Password")?.Value is { Length: > 0 } password:
                    changes["CallbackCreds.UserId"] = user;
                    changes["CallbackCreds.Password"] = password;
                    break;
                case "CallbackCreds":
                    return Invalid("CallbackCreds needs a UserId and a Password");
                default:
                    return Invalid($"{name} is not a field of a Voice-V2 application");
            }
        }

        foreach (var (name, value) in changes)
        {
            Application[name] = value;
        }

        Patches++;
        return ApplicationXml();
    }

    /// <summary>The application as the Dashboard API shows it: the callback user, never its password.</summary>
    private IResult ApplicationXml()
    {
        var application = new XElement(
            "Application",
            new XElement("ApplicationId", _applicationId),
            new XElement("ServiceType", "Voice-V2"));
        foreach (var name in new[]
        {
            "AppName", "CallInitiatedCallbackUrl", "CallInitiatedMethod", "CallStatusCallbackUrl", "CallStatusMethod",
        })
        {
            if (Application.TryGetValue(name, out var value))
            {
                application.Add(new XElement(name, value));
            }
        }

        if (Application.TryGetValue("CallbackCreds.UserId", out var user))
        {
            application.Add(new XElement("CallbackCreds", new XElement("UserId", user)));
        }

        return DashboardXml(new XElement("ApplicationProvisioningResponse", application), StatusCodes.Status200OK);
    }

    private static IResult NotFound(string applicationId) => DashboardXml(
        new XElement(
            "ApplicationProvisioningResponse",
            new XElement(
                "ResponseStatus",
                new XElement("ErrorCode", "15501"),
                new XElement("Description", $"Application {applicationId} not found"))),
        StatusCodes.Status404NotFound);

    private static IResult Invalid(string description) => DashboardXml(
        new XElement(
            "ApplicationProvisioningResponse",
            new XElement(
                "ResponseStatus",
                new XElement("ErrorCode", "12001"),
                new XElement("Description", description))),
        StatusCodes.Status400BadRequest);

    private static IResult DashboardXml(XElement body, int status) =>
        Results.Text(new XDocument(body).ToString(), "application/xml", Encoding.UTF8, status);

    private bool SignedIn(string accountId, HttpRequest request) => accountId == _accountId && SignedIn(request);

    private IResult DownloadRecording(string accountId, string callId, string recordingId, HttpRequest request) =>
        !SignedIn(accountId, request) ? Error(HttpStatusCode.Unauthorized, "unauthorized", "Authentication failed")
            : Recordings.TryGetValue((callId, recordingId), out var audio) ? Results.Bytes(audio, "audio/vnd.wave")
            : Error(HttpStatusCode.NotFound, "not-found", "Recording not found");

    private IResult DeleteRecording(string accountId, string callId, string recordingId, HttpRequest request) =>
        !SignedIn(accountId, request) ? Error(HttpStatusCode.Unauthorized, "unauthorized", "Authentication failed")
            : Recordings.TryRemove((callId, recordingId), out _) ? Results.NoContent()
            : Error(HttpStatusCode.NotFound, "not-found", "Recording not found");

    /// <summary>"Get Transcription": <c>{"transcripts": [{"text", "confidence"}]}</c>.</summary>
    private IResult GetTranscription(string accountId, string callId, string recordingId, HttpRequest request) =>
        !SignedIn(accountId, request) ? Error(HttpStatusCode.Unauthorized, "unauthorized", "Authentication failed")
            : Transcripts.TryGetValue((callId, recordingId), out var parts)
                ? Results.Json(new { transcripts = parts.Select(text => new { text, confidence = 0.9 }) })
            : Error(HttpStatusCode.NotFound, "not-found", "Transcription not found");

    private IResult CallState(string accountId, string callId, HttpRequest request)
    {
        if (!SignedIn(accountId, request))
        {
            return Error(HttpStatusCode.Unauthorized, "unauthorized", "Authentication failed");
        }

        if (!Calls.TryGetValue(callId, out var call))
        {
            return Error(HttpStatusCode.NotFound, "not-found", "Call not found");
        }

        static string? Iso(DateTimeOffset? at) =>
            at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object?>
        {
            ["callId"] = callId,
            ["accountId"] = _accountId,
            ["applicationId"] = _applicationId,
            ["direction"] = "inbound",
            ["state"] = call.State,
            ["disconnectCause"] = call.Cause,
            ["answerTime"] = Iso(call.AnswerTime),
            ["endTime"] = Iso(call.EndTime),
        });
    }

    private static IResult Error(HttpStatusCode status, string type, string description) =>
        Results.Json(new { type, description }, statusCode: (int)status);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();
}

/// <summary>A call created at the fake Voice API, with the credentials Bandwidth signs its callbacks with.</summary>
public sealed record BandwidthCall(
    string CallId, string From, string To, string AnswerUrl, string? DisconnectUrl, string? User, string? Password);
