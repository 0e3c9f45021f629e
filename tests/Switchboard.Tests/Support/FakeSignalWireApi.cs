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
/// SignalWire's compatibility REST API ("Create a Call"), played by a real HTTP server on a loopback port. As its
/// documentation says: <c>POST /api/laml/2010-04-01/Accounts/{ProjectId}/Calls.json</c> with Basic auth of the project
/// id and API token, a form with <c>To</c> and <c>From</c> in E.164, <c>Url</c>, and optional status callbacks; it
/// answers 201 with the call (its <c>sid</c> a UUID) or an error <c>{code, message, more_info, status}</c>. It also
/// holds recordings and calls as its compatibility API's Recording and Call resources say: a recording's media at
/// <c>GET …/Recordings/{Sid}.mp3</c>, its deletion <c>DELETE …/Recordings/{Sid}.json</c> (204), a call's
/// <c>GET …/Calls/{Sid}.json</c> (<c>status</c>, <c>duration</c>, <c>end_time</c> in RFC 2822), each with the same
/// Basic auth, 404 for what it does not hold.
/// </summary>
public sealed partial class FakeSignalWireApi : IAsyncDisposable
{
    public const string ProjectId = "a1b2c3d4-0000-4000-8000-000000000001";
    public const string ApiToken = "PTtest-signalwire-api-token";

    private static readonly HashSet<string> StatusEvents = ["initiated", "ringing", "answered", "completed"];

    private readonly WebApplication _app;

    private FakeSignalWireApi(WebApplication app)
    {
        _app = app;
        app.MapPost("/api/laml/2010-04-01/Accounts/{project}/Calls.json", CreateAsync);
        app.MapGet("/api/laml/2010-04-01/Accounts/{project}/Recordings/{file}", FetchRecording);
        app.MapDelete("/api/laml/2010-04-01/Accounts/{project}/Recordings/{file}", DeleteRecording);
        app.MapGet("/api/laml/2010-04-01/Accounts/{project}/Calls/{file}", FetchCall);
    }

    /// <summary>The recordings it holds, by their sid (a UUID).</summary>
    public ConcurrentDictionary<string, byte[]> Recordings { get; } = new();

    /// <summary>What the Call resource says of each call it knows: its status, duration and end.</summary>
    public ConcurrentDictionary<string, (string Status, int? Seconds, DateTimeOffset? EndedAt)> Calls { get; } =
        new();

    public string AddRecording(byte[] audio)
    {
        var sid = Guid.NewGuid().ToString();
        Recordings[sid] = audio;
        return sid;
    }

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<CreatedCall> Created { get; } = new();

    public static async Task<FakeSignalWireApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var fake = new FakeSignalWireApi(builder.Build());
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public void Configure(SwitchboardApp app)
    {
        app.Settings["Switchboard:SignalWire:Space"] = "example";
        app.Settings["Switchboard:SignalWire:ProjectId"] = ProjectId;
        app.Settings["Switchboard:SignalWire:ApiToken"] = ApiToken;
        app.Settings["Switchboard:SignalWire:ApiBaseUrl"] = BaseUrl + "/api/laml";
        app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:01";
        app.Settings["Switchboard:Twilio:ApiRetryDelay"] = "00:00:00.050";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> CreateAsync(string project, HttpRequest request)
    {
        if (Basic(request) != (ProjectId, ApiToken))
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authentication Failure");
        }

        if (project != ProjectId)
        {
            return Error(HttpStatusCode.NotFound, 20404, "Not Found");
        }

        if (!request.HasFormContentType)
        {
            return Error(HttpStatusCode.BadRequest, 21201, "No 'To' number is specified");
        }

        var form = await request.ReadFormAsync();
        string? One(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var (to, from, url, callback) = (One("To"), One("From"), One("Url"), One("StatusCallback"));
        if (to is null || !E164().IsMatch(to) || from is null || !E164().IsMatch(from))
        {
            return Error(HttpStatusCode.BadRequest, 21211, "Invalid 'To' or 'From' Phone Number");
        }

        if (!IsHttpUrl(url) || (callback is not null && !IsHttpUrl(callback))
            || form["StatusCallbackEvent"].Any(e => !StatusEvents.Contains(e ?? ""))
            || form["Method"].Concat(form["StatusCallbackMethod"]).Any(m => m is not ("GET" or "POST")))
        {
            return Error(HttpStatusCode.BadRequest, 21205, "Invalid parameters");
        }

        var call = new CreatedCall(Guid.NewGuid().ToString(), from, to, url, callback);
        Created.Enqueue(call);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = call.Sid,
            ["account_sid"] = ProjectId,
            ["to"] = to,
            ["from"] = from,
            ["status"] = "queued",
            ["direction"] = "outbound-api",
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/api/laml/2010-04-01/Accounts/{ProjectId}/Calls/{call.Sid}.json",
        }, statusCode: StatusCodes.Status201Created);
    }

    private IResult FetchRecording(string project, string file, HttpRequest request)
    {
        if (Basic(request) != (ProjectId, ApiToken))
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authentication Failure");
        }

        return project == ProjectId && file.EndsWith(".mp3", StringComparison.Ordinal)
            && Recordings.TryGetValue(file[..^4], out var audio)
                ? Results.Bytes(audio, "audio/mpeg")
                : Error(HttpStatusCode.NotFound, 20404, "Not Found");
    }

    private IResult DeleteRecording(string project, string file, HttpRequest request)
    {
        if (Basic(request) != (ProjectId, ApiToken))
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authentication Failure");
        }

        return project == ProjectId && file.EndsWith(".json", StringComparison.Ordinal)
            && Recordings.TryRemove(file[..^5], out _)
                ? Results.NoContent()
                : Error(HttpStatusCode.NotFound, 20404, "Not Found");
    }

    private IResult FetchCall(string project, string file, HttpRequest request)
    {
        if (Basic(request) != (ProjectId, ApiToken))
        {
            return Error(HttpStatusCode.Unauthorized, 20003, "Authentication Failure");
        }

        if (project != ProjectId || !file.EndsWith(".json", StringComparison.Ordinal)
            || !Calls.TryGetValue(file[..^5], out var call))
        {
            return Error(HttpStatusCode.NotFound, 20404, "Not Found");
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = file[..^5],
            ["account_sid"] = ProjectId,
            ["status"] = call.Status,
            ["duration"] = call.Seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["end_time"] = call.EndedAt?.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    private static bool IsHttpUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https";

    private static IResult Error(HttpStatusCode status, int code, string message) =>
        Results.Json(new { code, message, more_info = "", status = (int)status }, statusCode: (int)status);

    private static (string, string)? Basic(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (pair[..colon], pair[(colon + 1)..]);
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();
}
