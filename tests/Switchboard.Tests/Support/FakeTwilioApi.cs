using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Support;

/// <summary>
/// Twilio's REST API, played by a real HTTP server on a loopback port. It checks what the real one checks — Basic auth
/// with the account SID and auth token, the account in the path, the form fields (<c>To</c>, <c>From</c> in E.164,
/// <c>Url</c>, status callbacks) — and answers with the documented JSON: 201 with the new call's <c>sid</c>, or
/// <c>{code, message, more_info, status}</c>. It also holds recordings (Recording resource: the media as
/// <c>{Sid}.mp3</c> or <c>{Sid}.wav</c>, <c>DELETE {Sid}.json</c> → 204) and answers the Call resource
/// (<c>GET Calls/{Sid}.json</c>) for the calls a test tells it about.
/// </summary>
public sealed partial class FakeTwilioApi : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    private static readonly HashSet<string> StatusEvents = ["initiated", "ringing", "answered", "completed"];

    private readonly WebApplication _app;

    private FakeTwilioApi(WebApplication app, string authToken)
    {
        _app = app;
        AuthToken = authToken;
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Calls.json", CreateAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Recordings/{file}", FetchRecordingAsync);
        app.MapDelete("/2010-04-01/Accounts/{accountSid}/Recordings/{file}", DeleteRecordingAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Calls/{file}", FetchCallAsync);
        app.MapGet("/2010-04-01/Accounts/{file}", FetchAccountAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers.json", ListNumbersAsync);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{file}", UpdateNumberAsync);
        _accounts[AccountSid] = authToken;
    }

    /// <summary>
    /// The accounts it knows (sid → auth token): the global one, and those tests add for organizations.
    /// </summary>
    private readonly ConcurrentDictionary<string, string> _accounts = new();

    /// <summary>Another account (an organization's own), with its own auth token; gives its sid.</summary>
    public string AddAccount(string authToken)
    {
        var sid = "AC" + Guid.NewGuid().ToString("N");
        _accounts[sid] = authToken;
        return sid;
    }

    /// <summary>The recordings it holds, by sid: their audio (served as MP3 or WAV, as asked).</summary>
    public ConcurrentDictionary<string, byte[]> Recordings { get; } = new();

    /// <summary>What the Call resource says of each call it knows: its status, duration and end.</summary>
    public ConcurrentDictionary<string, CallState> Calls { get; } = new();

    /// <summary>
    /// Every read of a recording's media, a deletion or a call look-up: method, path and Basic auth user.
    /// </summary>
    public ConcurrentQueue<string> ResourceRequests { get; } = new();

    /// <summary>
    /// When set, recording and call resources answer this status (e.g. 500) instead, as a provider in trouble.
    /// </summary>
    public HttpStatusCode? ResourceOutage { get; set; }

    /// <summary>Stores a recording as the provider does after a Record verb, and gives its sid.</summary>
    public string AddRecording(byte[] audio)
    {
        var sid = "RE" + Guid.NewGuid().ToString("N");
        Recordings[sid] = audio;
        return sid;
    }

    public string AuthToken { get; }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request to create a call, as it arrived (refused ones too).</summary>
    public ConcurrentQueue<CallRequest> Received { get; } = new();

    /// <summary>The calls it created, in order.</summary>
    public ConcurrentQueue<CallRequest> Created { get; } = new();

    /// <summary>Numbers it refuses to call, as an account without permission for them (error 21215).</summary>
    public HashSet<string> Forbidden { get; } = [];

    /// <summary>When set, every request gets this status (after the checks), e.g. 503 for an outage.</summary>
    public HttpStatusCode? Outage { get; set; }

    /// <summary>When set, every answer waits this long first, as an overloaded provider.</summary>
    public TimeSpan? Delay { get; set; }

    public static async Task<FakeTwilioApi> StartAsync(string authToken = SwitchboardApp.AuthToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var fake = new FakeTwilioApi(builder.Build(), authToken);
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return fake;
    }

    /// <summary>The settings that point Switchboard at this API.</summary>
    public void Configure(SwitchboardApp app)
    {
        app.Settings["Switchboard:Twilio:AccountSid"] = AccountSid;
        app.Settings["Switchboard:Twilio:ApiBaseUrl"] = BaseUrl;
        app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:01";
        app.Settings["Switchboard:Twilio:ApiRetryDelay"] = "00:00:00.050";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> CreateAsync(string accountSid, HttpRequest request)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        var call = new CallRequest(
            accountSid,
            BasicUser(request),
            form?.ToDictionary(f => f.Key, f => f.Value.ToArray()) ?? []);
        Received.Enqueue(call);
        if (Delay is { } delay)
        {
            await Task.Delay(delay);
        }

        if (call.User is null || !_accounts.TryGetValue(call.User, out var token) || BasicPassword(request) != token)
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authenticate");
        }

        if (accountSid != call.User)
        {
            return Error(HttpStatusCode.NotFound, 20404, $"The requested resource {request.Path} was not found");
        }

        if (form is null)
        {
            return Error(HttpStatusCode.BadRequest, 21201, "No 'To' number is specified");
        }

        if (Check(call) is { } refused)
        {
            return refused;
        }

        if (Outage is { } outage)
        {
            return Error(outage, 20500, "An internal server error has occurred");
        }

        Created.Enqueue(call);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = call.Sid,
            ["account_sid"] = accountSid,
            ["to"] = call.To,
            ["from"] = call.From,
            ["status"] = "queued",
            ["direction"] = "outbound-api",
            ["api_version"] = "2010-04-01",
            ["date_created"] = DateTimeOffset.UtcNow.ToString("r"),
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Calls/{call.Sid}.json",
        }, statusCode: StatusCodes.Status201Created);
    }

    private async Task<IResult> FetchRecordingAsync(string accountSid, string file, HttpRequest request)
    {
        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        var (sid, extension) = Split(file);
        if (!Recordings.TryGetValue(sid, out var audio))
        {
            return NotFound(request);
        }

        return extension switch
        {
            ".mp3" => Results.Bytes(audio, "audio/mpeg"),
            ".wav" or "" => Results.Bytes(audio, "audio/x-wav"),
            ".json" => Results.Json(new Dictionary<string, object?>
            {
                ["sid"] = sid,
                ["account_sid"] = accountSid,
                ["status"] = "completed",
                ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Recordings/{sid}.json",
            }),
            _ => NotFound(request),
        };
    }

    private async Task<IResult> DeleteRecordingAsync(string accountSid, string file, HttpRequest request)
    {
        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        var (sid, extension) = Split(file);
        return extension == ".json" && Recordings.TryRemove(sid, out _) ? Results.NoContent() : NotFound(request);
    }

    private async Task<IResult> FetchCallAsync(string accountSid, string file, HttpRequest request)
    {
        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        var (sid, extension) = Split(file);
        if (extension != ".json" || !Calls.TryGetValue(sid, out var call))
        {
            return NotFound(request);
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sid,
            ["account_sid"] = accountSid,
            ["status"] = call.Status,
            ["duration"] = call.DurationSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["start_time"] = call.EndedAt?.AddSeconds(-(call.DurationSeconds ?? 0)).ToString("r"),
            ["end_time"] = call.EndedAt?.ToString("r"),
            ["direction"] = "inbound",
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Calls/{sid}.json",
        });
    }

    /// <summary>The Account resource: an account may fetch itself (a cheap, authenticated read).</summary>
    private async Task<IResult> FetchAccountAsync(string file, HttpRequest request)
    {
        var (accountSid, extension) = Split(file);
        if (extension != ".json")
        {
            return NotFound(request);
        }

        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = accountSid,
            ["friendly_name"] = "Fake account",
            ["status"] = "active",
            ["type"] = "Full",
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}.json",
        });
    }

    /// <summary>
    /// The numbers of the accounts, by sid (PN…), as the IncomingPhoneNumber resource describes them.
    /// </summary>
    public ConcurrentDictionary<string, IncomingNumber> IncomingNumbers { get; } = new();

    /// <summary>Gives the account a number, configured as given (e.g. pointing elsewhere); returns its sid.</summary>
    public string AddIncomingNumber(
        string accountSid,
        string phoneNumber,
        string? voiceUrl = null,
        string? statusCallback = null)
    {
        var sid = "PN" + Guid.NewGuid().ToString("N");
        IncomingNumbers[sid] = new IncomingNumber(
            sid,
            accountSid,
            phoneNumber,
            voiceUrl,
            "POST",
            statusCallback,
            "POST",
            null);
        return sid;
    }

    /// <summary>
    /// Reading the list, filtered by <c>PhoneNumber</c> (in the query, so it must be URL-encoded: a raw <c>+</c> reads
    /// as a space and matches nothing, as at Twilio). A page in Twilio's shape: the items under
    /// <c>incoming_phone_numbers</c>.
    /// </summary>
    private async Task<IResult> ListNumbersAsync(string accountSid, HttpRequest request)
    {
        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        var filter = request.Query["PhoneNumber"].ToString();
        var items = IncomingNumbers.Values
            .Where(n => n.AccountSid == accountSid && (filter.Length == 0 || n.PhoneNumber == filter))
            .OrderBy(n => n.PhoneNumber, StringComparer.Ordinal)
            .Select(n => n.Resource())
            .ToList();
        var uri =
            $"/2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers.json?PhoneNumber={Uri.EscapeDataString(filter)}&" +
            "PageSize=50&Page=0";
        return Results.Json(new Dictionary<string, object?>
        {
            ["first_page_uri"] = uri,
            ["next_page_uri"] = null,
            ["previous_page_uri"] = null,
            ["page"] = 0,
            ["page_size"] = 50,
            ["start"] = 0,
            ["end"] = Math.Max(0, items.Count - 1),
            ["uri"] = uri,
            ["incoming_phone_numbers"] = items,
        });
    }

    /// <summary>
    /// Updating a number: <c>VoiceUrl</c>, <c>VoiceMethod</c>, <c>StatusCallback</c>, <c>StatusCallbackMethod</c>,
    /// <c>VoiceApplicationSid</c>.
    /// </summary>
    private async Task<IResult> UpdateNumberAsync(string accountSid, string file, HttpRequest request)
    {
        if (await RefuseAsync(accountSid, request) is { } refused)
        {
            return refused;
        }

        var (sid, extension) = Split(file);
        if (extension != ".json"
            || !IncomingNumbers.TryGetValue(sid, out var number)
            || number.AccountSid != accountSid)
        {
            return NotFound(request);
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        string? Field(string name) => form is not null && form.TryGetValue(name, out var v) ? v.ToString() : null;
        foreach (var url in new[] { Field("VoiceUrl"), Field("StatusCallback") }.Where(u => u is { Length: > 0 }))
        {
            if (!IsHttpUrl(url))
            {
                return Error(HttpStatusCode.BadRequest, 21502, $"Invalid url: {url}");
            }
        }

        if (new[] { Field("VoiceMethod"), Field("StatusCallbackMethod") }.Any(m => m is not null
            && m is not ("GET" or "POST")))
        {
            return Error(HttpStatusCode.BadRequest, 21609, "Invalid method");
        }

        var updated = number with
        {
            VoiceUrl = Field("VoiceUrl") ?? number.VoiceUrl,
            VoiceMethod = Field("VoiceMethod") ?? number.VoiceMethod,
            StatusCallback = Field("StatusCallback") ?? number.StatusCallback,
            StatusCallbackMethod = Field("StatusCallbackMethod") ?? number.StatusCallbackMethod,
            VoiceApplicationSid = Field("VoiceApplicationSid") is { } app
                ? (app.Length == 0 ? null : app)
                : number.VoiceApplicationSid,
        };
        IncomingNumbers[sid] = updated;
        return Results.Json(updated.Resource());
    }

    /// <summary>
    /// What every resource checks first: the delay of a slow provider, Basic auth, the account, an outage.
    /// </summary>
    private async Task<IResult?> RefuseAsync(string accountSid, HttpRequest request)
    {
        var user = BasicUser(request);
        ResourceRequests.Enqueue($"{request.Method} {request.Path} as {user ?? "(nobody)"}");
        if (Delay is { } delay)
        {
            await Task.Delay(delay);
        }

        if (user is null || !_accounts.TryGetValue(user, out var token) || BasicPassword(request) != token)
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authenticate");
        }

        if (accountSid != user)
        {
            return NotFound(request);
        }

        return ResourceOutage is { } outage ? Error(outage, 20500, "An internal server error has occurred") : null;
    }

    private static IResult NotFound(HttpRequest request) =>
        Error(HttpStatusCode.NotFound, 20404, $"The requested resource {request.Path} was not found");

    private static (string Sid, string Extension) Split(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot < 0 ? (file, "") : (file[..dot], file[dot..]);
    }

    private IResult? Check(CallRequest call)
    {
        if (call.To is null)
        {
            return Error(HttpStatusCode.BadRequest, 21201, "No 'To' number is specified");
        }

        if (!E164().IsMatch(call.To))
        {
            return Error(HttpStatusCode.BadRequest, 21211, $"Invalid 'To' Phone Number: {call.To}");
        }

        if (call.From is null)
        {
            return Error(HttpStatusCode.BadRequest, 21213, "No 'From' number is specified");
        }

        if (!E164().IsMatch(call.From))
        {
            return Error(HttpStatusCode.BadRequest, 21212, $"Invalid 'From' Phone Number: {call.From}");
        }

        if (!IsHttpUrl(call.Url) || (call.StatusCallback is { } callback && !IsHttpUrl(callback)))
        {
            return Error(HttpStatusCode.BadRequest, 21205, $"Url is not a valid URL: {call.Url}");
        }

        if (call.Values("StatusCallbackEvent").Any(e => !StatusEvents.Contains(e)))
        {
            return Error(HttpStatusCode.BadRequest, 21626, "Invalid 'StatusCallbackEvent'");
        }

        if (call.Values("Method").Concat(call.Values("StatusCallbackMethod")).Any(m => m is not ("GET" or "POST")))
        {
            return Error(HttpStatusCode.BadRequest, 21609, "Invalid method");
        }

        return Forbidden.Contains(call.To)
            ? Error(
                HttpStatusCode.BadRequest,
                21215,
                $"Account not authorized to call {call.To}. Perhaps you need to enable some international permissions")
            : null;
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static IResult Error(HttpStatusCode status, int code, string message) => Results.Json(
        new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status = (int)status },
        statusCode: (int)status);

    private static string? BasicUser(HttpRequest request) => BasicCredentials(request)?.User;

    private static string? BasicPassword(HttpRequest request) => BasicCredentials(request)?.Password;

    private static (string User, string Password)? BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (pair[..colon], pair[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    /// <summary>A number as the IncomingPhoneNumber resource describes it.</summary>
    public sealed record IncomingNumber(
        string Sid,
        string AccountSid,
        string PhoneNumber,
        string? VoiceUrl,
        string VoiceMethod,
        string? StatusCallback,
        string StatusCallbackMethod,
        string? VoiceApplicationSid)
    {
        public Dictionary<string, object?> Resource() => new()
        {
            ["sid"] = Sid,
            ["account_sid"] = AccountSid,
            ["phone_number"] = PhoneNumber,
            ["friendly_name"] = PhoneNumber,
            ["voice_url"] = VoiceUrl,
            ["voice_method"] = VoiceMethod,
            ["voice_fallback_url"] = null,
            ["status_callback"] = StatusCallback,
            ["status_callback_method"] = StatusCallbackMethod,
            ["voice_application_sid"] = VoiceApplicationSid,
            ["trunk_sid"] = null,
            ["capabilities"] = new Dictionary<string, bool>
            {
                ["voice"] = true,
                ["sms"] = true,
                ["mms"] = true,
                ["fax"] = false,
            },
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
        };
    }

    /// <summary>
    /// A call as the Call resource describes it; <paramref name="Status"/> in Twilio's words (e.g. <c>completed</c>).
    /// </summary>
    public sealed record CallState(string Status, int? DurationSeconds = null, DateTimeOffset? EndedAt = null);

    /// <summary>One request to create a call: the account in its path, its Basic auth user and its form.</summary>
    public sealed record CallRequest(string AccountSidInPath, string? User, Dictionary<string, string?[]> Form)
    {
        public string Sid { get; } = "CA" + Guid.NewGuid().ToString("N");

        public string? To => Value("To");

        public string? From => Value("From");

        public string? Url => Value("Url");

        public string? StatusCallback => Value("StatusCallback");

        public string? Value(string name) => Form.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

        public IEnumerable<string> Values(string name) =>
            Form.TryGetValue(name, out var values) ? values.OfType<string>() : [];
    }
}
