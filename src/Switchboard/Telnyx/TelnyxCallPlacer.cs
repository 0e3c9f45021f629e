using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Calls;
using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.Telnyx;

/// <summary>
/// Rings an agent through Telnyx's TeXML REST API: <c>POST /v2/texml/calls/{application id}</c> with the API key as
/// Bearer and a JSON body — <c>From</c> (the platform number), <c>To</c> (the agent's phone), <c>Url</c> (the webhook
/// that prompts the agent) and the status callback of the agent's leg. Telnyx answers a flat call object whose
/// <c>call_sid</c> names the call. What is retried is <see cref="ProviderHttp"/>'s rule: only what never left.
/// An organization's own account is <c>guarded</c>: its <c>apiBaseUrl</c> is not the operator's config, so its calls
/// go through the network guard, as its account check and its numbers' look-ups do.
/// </summary>
public sealed class TelnyxCallPlacer(
    IHttpClientFactory clients, CallbackUrls callbackUrls, ILogger<TelnyxCallPlacer> log)
{
    /// <summary>The global account's client: the operator's configured Telnyx API.</summary>
    public const string Client = "telnyx-rest";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "telnyx-rest-guarded";

    public async Task<PlaceResult> RingAgentAsync(
        TelnyxOptions telnyx,
        bool guarded,
        long callId,
        string agentPhone,
        string platformNumber,
        CancellationToken ct)
    {
        var urls = callbackUrls.For(Provider.Telnyx);
        var body = new Dictionary<string, string>
        {
            ["From"] = platformNumber,
            ["To"] = agentPhone,
            ["Url"] = urls.OutboundAnswered(callId),
            ["Method"] = "POST",
            ["StatusCallback"] = urls.Status(callId, CallLeg.Agent),
            ["StatusCallbackMethod"] = "POST",
            ["StatusCallbackEvent"] = string.Join(' ', TwiML.StatusEventNames),
        };
        var root = telnyx.ApiBaseUrl.TrimEnd('/');
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{root}/v2/texml/calls/{Uri.EscapeDataString(telnyx.ApplicationId!)}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", telnyx.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        return await CallPlacing.SendAsync(
            clients.CreateClient(guarded ? GuardedClient : Client),
            request,
            json => CallPlacing.Placed(
                CallPlacing.Text(json, "call_sid"),
                TwilioStatuses.Parse(CallPlacing.Text(json, "status")),
                Provider.Telnyx),
            Error,
            log,
            ct);
    }

    /// <summary>Telnyx's errors read <c>{"errors": [{"code": "10004", "title": "…", "detail": "…"}]}</c>.</summary>
    private static ProviderError Error(JsonElement? json)
    {
        JsonElement? first = json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("errors", out var errors)
            && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            ? errors[0]
            : null;
        return new ProviderError(
            int.TryParse(CallPlacing.Text(first, "code"), out var n) ? n : null,
            CallPlacing.Text(first, "detail") ?? CallPlacing.Text(first, "title"));
    }
}
