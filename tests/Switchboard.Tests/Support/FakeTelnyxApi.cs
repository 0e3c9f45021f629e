using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
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
/// Telnyx's TeXML REST API ("Create a connection-scoped TeXML call"), played by a real HTTP server on a loopback
/// port. As its reference says: <c>POST /v2/texml/calls/{connection_id}</c> with the API key as Bearer, a JSON body
/// whose case-sensitive <c>From</c> and <c>To</c> are required (E.164), <c>Url</c> and <c>Method</c> (GET or POST);
/// it answers a flat call object <c>{call_sid, from, to, status: "queued"}</c>, or <c>{"errors": [{code, title,
/// detail}]}</c>. It also plays the account's numbers and its TeXML application as their references say: "List phone
/// numbers" (<c>GET /v2/phone_numbers?filter[phone_number]=…</c>, at least three digits, any other character
/// matching nothing; <c>{data: [{id, record_type, phone_number, connection_id, …}], meta}</c>), "Update a phone
/// number" (<c>PATCH /v2/phone_numbers/{id}</c>, JSON, answering <c>{data: number}</c>) and "Retrieve a TeXML
/// Application" (<c>GET /v2/texml_applications/{id}</c>: <c>{data: {id, voice_url, status_callback, …}}</c>).
/// Recordings and calls as the Call Recordings and Call Information references say: "Retrieve a call recording"
/// (<c>GET /v2/recordings/{id}</c>: <c>{data: {id, record_type: "recording", download_urls: {mp3}, …}}</c>, the
/// link a pre-signed one that refuses an <c>Authorization</c> header, as a storage bucket does), "Delete a call
/// recording" (<c>DELETE /v2/recordings/{id}</c>, answering the deleted recording) and "Retrieve a call status"
/// (<c>GET /v2/calls/{call_control_id}</c>: <c>{data: {is_alive, call_duration, end_time, …}}</c>), 404 for what it
/// does not hold.
/// </summary>
public sealed partial class FakeTelnyxApi : IAsyncDisposable
{
    public const string ApiKey = "KEYtest-telnyx-api-key";
    public const string ApplicationId = "1234567890123456789";

    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly string _applicationId;

    private FakeTelnyxApi(WebApplication app, string apiKey, string applicationId)
    {
        _app = app;
        _apiKey = apiKey;
        _applicationId = applicationId;
        app.MapPost("/v2/texml/calls/{connectionId}", CreateAsync);
        app.MapGet("/v2/phone_numbers", ListNumbers);
        app.MapPatch("/v2/phone_numbers/{id}", UpdateNumberAsync);
        app.MapGet("/v2/texml_applications/{id}", RetrieveApplication);
        app.MapGet("/v2/recordings/{id}", RetrieveRecording);
        app.MapDelete("/v2/recordings/{id}", DeleteRecording);
        app.MapGet("/recordings-bucket/{id}.mp3", DownloadRecording);
        app.MapGet("/v2/calls/{id}", RetrieveCall);
    }

    /// <summary>The account's recordings, by their id (a UUID).</summary>
    public ConcurrentDictionary<string, byte[]> Recordings { get; } = new();

    /// <summary>What "Retrieve a call status" says of each call it knows, by its call_control_id.</summary>
    public ConcurrentDictionary<string, (bool Alive, int Seconds, DateTimeOffset? EndedAt)> Calls { get; } = new();

    public string AddRecording(byte[] audio)
    {
        var id = Guid.NewGuid().ToString();
        Recordings[id] = audio;
        return id;
    }

    /// <summary>The account's numbers by their id.</summary>
    public ConcurrentDictionary<string, PhoneNumber> Numbers { get; } = new();

    /// <summary>Every request about numbers and the application, as "METHOD path?query".</summary>
    public ConcurrentQueue<string> ResourceRequests { get; } = new();

    /// <summary>The TeXML application's webhook URL, as set in Telnyx's portal.</summary>
    public string? VoiceUrl { get; set; }

    /// <summary>The TeXML application's call progress events URL.</summary>
    public string? StatusCallback { get; set; }

    /// <summary>Adds a number to the account, on <paramref name="connectionId"/> or none; returns its id.</summary>
    public string AddNumber(string phoneNumber, string? connectionId = null)
    {
        var id = Random.Shared.NextInt64(1_000_000_000_000_000, 9_000_000_000_000_000)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        Numbers[id] = new PhoneNumber(id, phoneNumber, connectionId);
        return id;
    }

    /// <summary>Points the application at a Switchboard's Telnyx webhooks.</summary>
    public void PointApplicationAt(string publicBaseUrl)
    {
        VoiceUrl = publicBaseUrl + "/webhooks/telnyx/voice";
        StatusCallback = publicBaseUrl + "/webhooks/telnyx/status";
    }

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<CreatedCall> Created { get; } = new();

    /// <summary>
    /// Starts the API of one account: its key and TeXML application (another organization's account is another fake).
    /// </summary>
    public static async Task<FakeTelnyxApi> StartAsync(string apiKey = ApiKey, string applicationId = ApplicationId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var fake = new FakeTelnyxApi(builder.Build(), apiKey, applicationId);
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public void Configure(SwitchboardApp app)
    {
        app.Settings["Switchboard:Telnyx:ApiKey"] = ApiKey;
        app.Settings["Switchboard:Telnyx:ApplicationId"] = ApplicationId;
        app.Settings["Switchboard:Telnyx:ApiBaseUrl"] = BaseUrl;
        app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:01";
        app.Settings["Switchboard:Twilio:ApiRetryDelay"] = "00:00:00.050";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> CreateAsync(string connectionId, HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() != $"Bearer {_apiKey}")
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        if (connectionId != _applicationId)
        {
            return Error(HttpStatusCode.NotFound, "10005", "Resource not found");
        }

        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "10015", "Invalid JSON");
        }

        string? Text(string name) =>
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v)
                && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        var (from, to, url, method) = (Text("From"), Text("To"), Text("Url"), Text("Method"));
        if (from is null || !E164().IsMatch(from) || to is null || !E164().IsMatch(to))
        {
            return Error(HttpStatusCode.UnprocessableEntity, "10016", "Invalid phone number in From or To");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || method is not (null or "GET" or "POST"))
        {
            return Error(HttpStatusCode.UnprocessableEntity, "10015", "Invalid Url or Method");
        }

        var call = new CreatedCall("v3:" + Guid.NewGuid().ToString("N"), from, to, url, Text("StatusCallback"));
        Created.Enqueue(call);
        return Results.Json(new { call_sid = call.Sid, from, to, status = "queued" });
    }

    private IResult RetrieveRecording(string id, HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        return Recordings.ContainsKey(id)
            ? Results.Json(new
            {
                data = new
                {
                    id,
                    record_type = "recording",
                    status = "completed",
                    channels = "single",
                    download_urls = new { mp3 = $"{BaseUrl}/recordings-bucket/{id}.mp3" },
                },
            })
            : Error(HttpStatusCode.NotFound, "10005", "Resource not found");
    }

    private IResult DeleteRecording(string id, HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        return Recordings.TryRemove(id, out _)
            ? Results.Json(new { data = new { id, record_type = "recording", status = "deleted" } })
            : Error(HttpStatusCode.NotFound, "10005", "Resource not found");
    }

    /// <summary>The pre-signed link: it carries its own authority, so a key sent with it is refused.</summary>
    private IResult DownloadRecording(string id, HttpRequest request)
    {
        ResourceRequests.Enqueue($"{request.Method} {request.Path}");
        if (request.Headers.Authorization.Count > 0)
        {
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        return Recordings.TryGetValue(id, out var audio)
            ? Results.Bytes(audio, "audio/mpeg")
            : Results.StatusCode(StatusCodes.Status404NotFound);
    }

    private IResult RetrieveCall(string id, HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        return Calls.TryGetValue(id, out var call)
            ? Results.Json(new
            {
                data = new
                {
                    call_control_id = id,
                    record_type = "call",
                    is_alive = call.Alive,
                    call_duration = call.Seconds,
                    end_time = call.EndedAt?.UtcDateTime
                        .ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                },
            })
            : Error(HttpStatusCode.NotFound, "10005", "Resource not found");
    }

    private bool Authorized(HttpRequest request)
    {
        ResourceRequests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        return request.Headers.Authorization.ToString() == $"Bearer {_apiKey}";
    }

    private IResult ListNumbers(HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        var filter = request.Query["filter[phone_number]"].ToString();
        var matching = Numbers.Values
            .Where(n => filter.Length == 0
                || (filter.Length >= 3 && filter.All(char.IsAsciiDigit)
                    && n.Number.TrimStart('+').Contains(filter, StringComparison.Ordinal)))
            .Select(n => n.Resource())
            .ToList();
        return Results.Json(new
        {
            data = matching,
            meta = new { total_pages = 1, total_results = matching.Count, page_number = 1, page_size = 20 },
        });
    }

    private async Task<IResult> UpdateNumberAsync(string id, HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        if (!Numbers.TryGetValue(id, out var number))
        {
            return Error(HttpStatusCode.NotFound, "10005", "Resource not found");
        }

        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "10015", "Invalid JSON");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Error(HttpStatusCode.BadRequest, "10015", "Invalid JSON");
        }

        if (body.TryGetProperty("connection_id", out var connection))
        {
            if (connection.ValueKind != JsonValueKind.String || connection.GetString() != _applicationId)
            {
                return Error(HttpStatusCode.UnprocessableEntity, "10015", "Invalid connection_id");
            }

            number = number with { ConnectionId = connection.GetString() };
            Numbers[id] = number;
        }

        return Results.Json(new { data = number.Resource() });
    }

    private IResult RetrieveApplication(string id, HttpRequest request)
    {
        if (!Authorized(request))
        {
            return Error(HttpStatusCode.Unauthorized, "10009", "Authentication failed");
        }

        return id != _applicationId
            ? Error(HttpStatusCode.NotFound, "10005", "Resource not found")
            : Results.Json(new
            {
                data = new Dictionary<string, object?>
                {
                    ["id"] = _applicationId,
                    ["record_type"] = "texml_application",
                    ["active"] = true,
                    ["friendly_name"] = "switchboard",
                    ["voice_url"] = VoiceUrl,
                    ["voice_method"] = "post",
                    ["status_callback"] = StatusCallback,
                    ["status_callback_method"] = "post",
                },
            });
    }

    private static IResult Error(HttpStatusCode status, string code, string title) =>
        Results.Json(new { errors = new[] { new { code, title, detail = title } } }, statusCode: (int)status);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    /// <summary>A number of the account, on a connection (a TeXML application's id) or none.</summary>
    public sealed record PhoneNumber(string Id, string Number, string? ConnectionId)
    {
        public Dictionary<string, object?> Resource() => new()
        {
            ["id"] = Id,
            ["record_type"] = "phone_number",
            ["phone_number"] = Number,
            ["status"] = "active",
            ["connection_id"] = ConnectionId,
            ["connection_name"] = ConnectionId is null ? null : "switchboard",
        };
    }
}
