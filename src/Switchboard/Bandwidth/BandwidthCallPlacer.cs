using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Switchboard.Calls;
using Switchboard.Providers;

namespace Switchboard.Bandwidth;

/// <summary>
/// Rings an agent through Bandwidth's Voice API: <c>POST {ApiBaseUrl}/api/v2/accounts/{accountId}/calls</c> with
/// the API user's Basic auth and a JSON body — <c>from</c> (the platform number), <c>to</c> (the agent's phone),
/// <c>applicationId</c>, <c>answerUrl</c> (the webhook that prompts the agent), <c>disconnectUrl</c> (the agent's
/// leg) and the callback credentials Bandwidth signs in to both with. Bandwidth answers 201 with the call's
/// <c>callId</c>, or an error <c>{type, description}</c>. What is retried is <see cref="ProviderHttp"/>'s rule:
/// only what never left. An organization's own account is <c>guarded</c>: its <c>apiBaseUrl</c> is not the operator's
/// config, so its calls go through the network guard, as its account check does.
/// </summary>
public sealed class BandwidthCallPlacer(
    IHttpClientFactory clients, CallbackUrls callbackUrls, ILogger<BandwidthCallPlacer> log)
{
    /// <summary>The global account's client: the operator's configured Voice API.</summary>
    public const string Client = "bandwidth-rest";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "bandwidth-rest-guarded";

    /// <param name="bandwidth">The account of the call's organization (<see cref="ProviderCredentials"/>).</param>
    /// <param name="guarded">Whether it is the organization's own account, reached through the network guard.</param>
    public async Task<PlaceResult> RingAgentAsync(
        BandwidthOptions bandwidth,
        bool guarded,
        long callId,
        string agentPhone,
        string platformNumber,
        CancellationToken ct)
    {
        var urls = callbackUrls.For(Provider.Bandwidth);
        var body = new Dictionary<string, string?>
        {
            ["from"] = platformNumber,
            ["to"] = agentPhone,
            ["applicationId"] = bandwidth.ApplicationId,
            ["answerUrl"] = urls.OutboundAnswered(callId),
            ["answerMethod"] = "POST",
            ["disconnectUrl"] = urls.Status(callId, CallLeg.Agent),
            ["disconnectMethod"] = "POST",
            ["username"] = bandwidth.CallbackUsername,
            ["password"] = bandwidth.CallbackPassword,
        };
        var root = bandwidth.ApiBaseUrl.TrimEnd('/');
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{root}/api/v2/accounts/{Uri.EscapeDataString(bandwidth.AccountId!)}/calls")
        {
            Content = JsonContent.Create(body.Where(f => f.Value is not null).ToDictionary()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{bandwidth.Username}:{bandwidth.Password}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // The Voice API has no call status in its answer: a created call is queued until it rings.
        return await CallPlacing.SendAsync(
            clients.CreateClient(guarded ? GuardedClient : Client),
            request,
            json => CallPlacing.Placed(CallPlacing.Text(json, "callId"), null, Provider.Bandwidth),
            json => new ProviderError(null, CallPlacing.Text(json, "description") ?? CallPlacing.Text(json, "type")),
            log,
            ct);
    }
}
