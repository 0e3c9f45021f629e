using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Accounts;
using Switchboard.Phones;
using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.Telnyx;

/// <summary>
/// A number at Telnyx sends its calls to Switchboard when its connection is the account's TeXML application and that
/// application's <c>voice_url</c> and <c>status_callback</c> are Switchboard's. Finds the number
/// (<c>GET /v2/phone_numbers?filter[phone_number]=14155550100</c>: digits only, as any other character matches
/// nothing), reads the application
/// (<c>GET /v2/texml_applications/{id}</c>) and, to connect it, sets the number's <c>connection_id</c>
/// (<c>PATCH /v2/phone_numbers/{id}</c>), all with the API key as Bearer. The application's URLs are the operator's
/// to set in Telnyx's portal: Switchboard reads them, never changes them. The number in the query is the platform's
/// own, never a contact's.
/// </summary>
public sealed class TelnyxNumbers(IHttpClientFactory clients, CallbackUrls urls, ILogger<TelnyxNumbers> log)
    : ITelnyxNumbers
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public string VoiceUrl => urls.BaseUrl + "/webhooks/telnyx/voice";

    public string StatusUrl => urls.BaseUrl + "/webhooks/telnyx/status";

    /// <summary><paramref name="guarded"/>: an organization's own account, reached through the network guard.</summary>
    public async Task<NumberCheck> CheckAsync(
        TelnyxOptions telnyx,
        bool guarded,
        string number,
        bool connect,
        CancellationToken ct)
    {
        var http = guarded ? clients.CreateClient(ProviderProbe.GuardedClient) : clients.CreateClient();
        var root = telnyx.ApiBaseUrl.TrimEnd('/') + "/v2";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var find = Request(
                telnyx,
                HttpMethod.Get,
                $"{root}/phone_numbers?filter[phone_number]={number.TrimStart('+')}");
            using var found = await http.SendAsync(find, timeout.Token);
            if (await ProblemAsync(found, timeout.Token) is { } problem)
            {
                return new NumberCheck(NumberConnectionState.Unknown, problem);
            }

            using var page = JsonDocument.Parse(await found.Content.ReadAsStringAsync(timeout.Token));
            var resource = page.RootElement.TryGetProperty("data", out var items)
                && items.ValueKind == JsonValueKind.Array
                ? items.EnumerateArray().FirstOrDefault(i => Text(i, "phone_number") == number)
                : default;
            if (resource.ValueKind != JsonValueKind.Object || Text(resource, "id") is not { Length: > 0 } id)
            {
                return new NumberCheck(NumberConnectionState.Unknown, "the provider's account has no such number");
            }

            var application = telnyx.ApplicationId!;
            using var read = Request(
                telnyx,
                HttpMethod.Get,
                $"{root}/texml_applications/{Uri.EscapeDataString(application)}");
            using var app = await http.SendAsync(read, timeout.Token);
            if (await ProblemAsync(app, timeout.Token) is { } appProblem)
            {
                return new NumberCheck(NumberConnectionState.Unknown, appProblem);
            }

            using var appJson = JsonDocument.Parse(await app.Content.ReadAsStringAsync(timeout.Token));
            var applicationHere = appJson.RootElement.TryGetProperty("data", out var data) && PointsHere(data);
            var connection = Text(resource, "connection_id");
            if (connection != application && connect)
            {
                using var update = Request(
                    telnyx,
                    HttpMethod.Patch,
                    $"{root}/phone_numbers/{Uri.EscapeDataString(id)}");
                update.Content = JsonContent.Create(
                    new Dictionary<string, string> { ["connection_id"] = application });
                using var updated = await http.SendAsync(update, timeout.Token);
                if (await ProblemAsync(updated, timeout.Token) is { } refused)
                {
                    return new NumberCheck(NumberConnectionState.Unknown, refused);
                }

                using var after = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(timeout.Token));
                connection = after.RootElement.TryGetProperty("data", out var now)
                    ? Text(now, "connection_id")
                    : null;
            }

            return new NumberCheck(connection == application && applicationHere
                ? NumberConnectionState.Connected
                : NumberConnectionState.Elsewhere);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException
            && !ct.IsCancellationRequested)
        {
            log.LogWarning(
                "Number {Number} could not be checked at Telnyx: {Error}",
                PhoneMask.Mask(number),
                e.GetType().Name);
            return new NumberCheck(
                NumberConnectionState.Unknown,
                e is JsonException ? "the provider's answer could not be read" : ProviderProbe.Unreachable);
        }
    }

    /// <summary>The application's calls and their progress come to Switchboard's Telnyx webhooks.</summary>
    private bool PointsHere(JsonElement application) =>
        Text(application, "voice_url") == VoiceUrl && Text(application, "status_callback") == StatusUrl;

    /// <summary>
    /// Telnyx's errors read <c>{"errors": [{"code", "title", "detail"}]}</c>; the detail is kept short, numbers masked.
    /// </summary>
    private static async Task<string?> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return ProviderProbe.Refused;
        }

        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            message = json.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first
                    ? Text(first, "detail") ?? Text(first, "title")
                    : null;
        }
        catch (JsonException)
        {
        }

        var reason = $"the provider answered HTTP {(int)response.StatusCode}" +
            (message is { Length: > 0 } ? $": {PhoneMask.MaskAll(message)}" : "");
        return reason.Length <= 300 ? reason : reason[..300];
    }

    private static HttpRequestMessage Request(TelnyxOptions telnyx, HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", telnyx.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
