using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Calls;
using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// Rings an agent through a Twilio-compatible REST API (Twilio's, or SignalWire's compatibility API):
/// <c>POST {account}/Calls.json</c> with Basic auth, <c>To</c> = the agent's phone, <c>From</c> = the platform number,
/// <c>Url</c> = the webhook that prompts the agent, and status callbacks for every status of the agent's leg.
/// An organization's own account is <see cref="CompatibleAccount.Guarded"/>: its <c>apiBaseUrl</c> is not the
/// operator's config, so its calls go through the network guard, which checks the address at connect time.
/// </summary>
public sealed class TwilioCallPlacer(
    IHttpClientFactory clients, CallbackUrls callbackUrls, ILogger<TwilioCallPlacer> log)
{
    /// <summary>The global accounts' client: the operator's configured Twilio or SignalWire API.</summary>
    public const string Client = "twilio-rest";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "twilio-rest-guarded";

    public async Task<PlaceResult> RingAgentAsync(
        CompatibleAccount account, long callId, string agentPhone, string platformNumber, CancellationToken ct)
    {
        var urls = callbackUrls.For(account.Provider);
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", agentPhone),
            new("From", platformNumber),
            new("Url", urls.OutboundAnswered(callId)),
            new("Method", "POST"),
            new("StatusCallback", urls.Status(callId, CallLeg.Agent)),
            new("StatusCallbackMethod", "POST"),
        };
        form.AddRange(TwiML.StatusEventNames.Select(e => KeyValuePair.Create("StatusCallbackEvent", e)));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{account.AccountUrl}/Calls.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = account.Authorization();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        return await CallPlacing.SendAsync(
            clients.CreateClient(account.Guarded ? GuardedClient : Client),
            request,
            json => CallPlacing.Placed(
                CallPlacing.Text(json, "sid"),
                TwilioStatuses.Parse(CallPlacing.Text(json, "status")),
                account.Provider),
            Error,
            log,
            ct);
    }

    /// <summary>Twilio's errors read <c>{"code": 21211, "message": "…", "more_info": "…", "status": 400}</c>.</summary>
    private static ProviderError Error(JsonElement? json) => new(
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("code", out var c) && c.TryGetInt32(out var n)
            ? n
            : null,
        CallPlacing.Text(json, "message"),
        CallPlacing.Text(json, "more_info"));
}
