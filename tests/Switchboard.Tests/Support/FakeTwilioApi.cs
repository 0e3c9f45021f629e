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
/// Twilio's REST API for creating calls, played by a real HTTP server on a loopback port. It checks what the
/// real one checks — Basic auth with the account SID and auth token, the account in the path, the form fields
/// (<c>To</c>, <c>From</c> in E.164, <c>Url</c>, status callbacks) — and answers with the documented JSON: 201
/// with the new call's <c>sid</c>, or <c>{code, message, more_info, status}</c>.
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
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
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
        var call = new CallRequest(accountSid, BasicUser(request), form?.ToDictionary(f => f.Key, f => f.Value.ToArray()) ?? []);
        Received.Enqueue(call);
        if (Delay is { } delay)
        {
            await Task.Delay(delay);
        }

        if (call.User is null || BasicPassword(request) != AuthToken || call.User != AccountSid)
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
            ["account_sid"] = AccountSid,
            ["to"] = call.To,
            ["from"] = call.From,
            ["status"] = "queued",
            ["direction"] = "outbound-api",
            ["api_version"] = "2010-04-01",
            ["date_created"] = DateTimeOffset.UtcNow.ToString("r"),
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Calls/{call.Sid}.json",
        }, statusCode: StatusCodes.Status201Created);
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
            ? Error(HttpStatusCode.BadRequest, 21215, $"Account not authorized to call {call.To}. Perhaps you need to enable some international permissions")
            : null;
    }

    private static bool IsHttpUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static IResult Error(HttpStatusCode status, int code, string message) => Results.Json(
        new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status = (int)status }, statusCode: (int)status);

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

    /// <summary>One request to create a call: the account in its path, its Basic auth user and its form.</summary>
    public sealed record CallRequest(string AccountSidInPath, string? User, Dictionary<string, string?[]> Form)
    {
        public string Sid { get; } = "CA" + Guid.NewGuid().ToString("N");

        public string? To => Value("To");

        public string? From => Value("From");

        public string? Url => Value("Url");

        public string? StatusCallback => Value("StatusCallback");

        public string? Value(string name) => Form.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

        public IEnumerable<string> Values(string name) => Form.TryGetValue(name, out var values) ? values.OfType<string>() : [];
    }
}
