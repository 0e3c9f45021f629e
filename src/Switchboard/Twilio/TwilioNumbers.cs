using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Accounts;
using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>What a number's configuration at its provider was found to be, and why when it is unknown.</summary>
public sealed record NumberCheck(NumberConnectionState State, string? Reason = null);

/// <summary>
/// Twilio's IncomingPhoneNumber resource (SignalWire's compatibility API has the same): finds the account's number
/// (<c>GET …/IncomingPhoneNumbers.json?PhoneNumber=…</c>) and, to connect it, points its <c>VoiceUrl</c> and
/// <c>StatusCallback</c> at Switchboard (<c>POST …/IncomingPhoneNumbers/{Sid}.json</c>). The number in the query is
/// the platform's own, never a contact's.
/// </summary>
public sealed class TwilioNumbers(IHttpClientFactory clients, CallbackUrls urls, ILogger<TwilioNumbers> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public string VoiceUrl => urls.BaseUrl + "/webhooks/twilio/voice";

    public string StatusUrl => urls.BaseUrl + "/webhooks/twilio/status";

    public async Task<NumberCheck> CheckAsync(
        CompatibleAccount account,
        string number,
        bool connect,
        CancellationToken ct)
    {
        var http = account.Guarded ? clients.CreateClient(ProviderProbe.GuardedClient) : clients.CreateClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var find = Request(
                account,
                HttpMethod.Get,
                $"IncomingPhoneNumbers.json?PhoneNumber={Uri.EscapeDataString(number)}");
            using var found = await http.SendAsync(find, timeout.Token);
            if (await ProblemAsync(found, timeout.Token) is { } problem)
            {
                return new NumberCheck(NumberConnectionState.Unknown, problem);
            }

            using var page = JsonDocument.Parse(await found.Content.ReadAsStringAsync(timeout.Token));
            var resource = page.RootElement.TryGetProperty("incoming_phone_numbers", out var items)
                && items.ValueKind == JsonValueKind.Array
                ? items.EnumerateArray().FirstOrDefault(i => Text(i, "phone_number") == number)
                : default;
            if (resource.ValueKind != JsonValueKind.Object || Text(resource, "sid") is not { Length: > 0 } sid)
            {
                return new NumberCheck(NumberConnectionState.Unknown, "the provider's account has no such number");
            }

            if (PointsHere(resource) || !connect)
            {
                return new NumberCheck(
                    PointsHere(resource) ? NumberConnectionState.Connected : NumberConnectionState.Elsewhere);
            }

            using var update = Request(
                account,
                HttpMethod.Post,
                $"IncomingPhoneNumbers/{Uri.EscapeDataString(sid)}.json");
            update.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["VoiceUrl"] = VoiceUrl,
                ["VoiceMethod"] = "POST",
                ["StatusCallback"] = StatusUrl,
                ["StatusCallbackMethod"] = "POST",
                // An application on the number would take its calls instead of the VoiceUrl.
                ["VoiceApplicationSid"] = "",
            });
            using var updated = await http.SendAsync(update, timeout.Token);
            if (await ProblemAsync(updated, timeout.Token) is { } refused)
            {
                return new NumberCheck(NumberConnectionState.Unknown, refused);
            }

            using var after = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(timeout.Token));
            return new NumberCheck(
                PointsHere(after.RootElement) ? NumberConnectionState.Connected : NumberConnectionState.Elsewhere);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException
            && !ct.IsCancellationRequested)
        {
            log.LogWarning(
                "Number {Number} could not be checked at the provider: {Error}",
                PhoneMask.Mask(number),
                e.GetType().Name);
            return new NumberCheck(
                NumberConnectionState.Unknown,
                e is JsonException ? "the provider's answer could not be read" : ProviderProbe.Unreachable);
        }
    }

    /// <summary>
    /// Its calls come to Switchboard: our voice URL by POST, and no application or trunk that would take them instead.
    /// </summary>
    private bool PointsHere(JsonElement number) =>
        Text(number, "voice_url") == VoiceUrl
        && Text(number, "voice_method") is null or "POST"
        && string.IsNullOrEmpty(Text(number, "voice_application_sid"))
        && string.IsNullOrEmpty(Text(number, "trunk_sid"));

    /// <summary>
    /// Twilio's errors read <c>{"code", "message", …}</c>; the message is kept short, with any number masked.
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
            message = Text(json.RootElement, "message");
        }
        catch (JsonException)
        {
        }

        var reason = $"the provider answered HTTP {(int)response.StatusCode}" +
            (message is { Length: > 0 } ? $": {PhoneMask.MaskAll(message)}" : "");
        return reason.Length <= 300 ? reason : reason[..300];
    }

    private static HttpRequestMessage Request(CompatibleAccount account, HttpMethod method, string resource)
    {
        var request = new HttpRequestMessage(method, account.ResourceUrl(resource));
        request.Headers.Authorization = account.Authorization();
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
