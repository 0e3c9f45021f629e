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
/// detail}]}</c>.
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

    private static IResult Error(HttpStatusCode status, string code, string title) =>
        Results.Json(new { errors = new[] { new { code, title, detail = title } } }, statusCode: (int)status);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();
}
