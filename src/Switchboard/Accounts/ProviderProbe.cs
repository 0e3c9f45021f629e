using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.Accounts;

/// <summary>
/// Tries an account's credentials with one cheap authenticated read its provider documents: Twilio and SignalWire the
/// Account resource (<c>GET /2010-04-01/Accounts/{Sid}.json</c>), Telnyx the TeXML application
/// (<c>GET /v2/texml_applications/{id}</c>, Bearer key), Bandwidth the application
/// (<c>GET /api/accounts/{accountId}/applications/{id}</c>, Basic auth). What failed is said in words; an address or
/// a socket's message goes to the operator's log only.
/// </summary>
public sealed class ProviderProbe(IHttpClientFactory clients, ILogger<ProviderProbe> log)
{
    /// <summary>
    /// Organizations' accounts go through the network guard: their <c>apiBaseUrl</c> is not the operator's config.
    /// </summary>
    public const string GuardedClient = "provider-accounts";

    public const string Refused = "the provider refused the credentials";
    public const string Unreachable = "the provider could not be reached";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Null when the provider accepted the credentials; else what failed.</summary>
    public async Task<string?> ProblemAsync(OrganizationAccount account, bool guarded, CancellationToken ct)
    {
        if (account.Secrets is null)
        {
            return "the account's secrets cannot be decrypted (the key ring changed): set the account again";
        }

        using var request = Request(account);
        var http = guarded ? clients.CreateClient(GuardedClient) : clients.CreateClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => null,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Refused,
                HttpStatusCode.NotFound => "the provider does not know this account or application",
                var status => $"the provider answered HTTP {(int)status}",
            };
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException
            && !ct.IsCancellationRequested)
        {
            log.LogWarning(
                "The {Provider} account of organization {OrgId} could not be checked: {Error}",
                account.Provider,
                account.OrganizationId,
                e.GetType().Name);
            return Unreachable;
        }
    }

    private static HttpRequestMessage Request(OrganizationAccount account)
    {
        string Base(string fallback) => (account.ApiBaseUrl ?? fallback).TrimEnd('/');
        string V(string name) => Uri.EscapeDataString(account.Value(name) ?? "");

        // Twilio and SignalWire's compatibility API: the account resource, Basic auth.
        var compatible = account.Provider switch
        {
            ProviderKinds.Twilio => (Root: Base("https://api.twilio.com"), Sid: "accountSid", Token: "authToken"),
            ProviderKinds.SignalWire => (
                Root: Base($"https://{ProviderKinds.SpaceHost(account.Value("space") ?? "")}/api/laml"),
                Sid: "projectId",
                Token: "apiToken"),
            _ => default,
        };
        if (compatible.Root is not null)
        {
            var twilio = new HttpRequestMessage(
                HttpMethod.Get, $"{compatible.Root}/2010-04-01/Accounts/{V(compatible.Sid)}.json");
            twilio.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(
                    Encoding.UTF8.GetBytes($"{account.Value(compatible.Sid)}:{account.Value(compatible.Token)}")));
            return twilio;
        }

        if (account.Provider == ProviderKinds.Telnyx)
        {
            var telnyx = new HttpRequestMessage(
                HttpMethod.Get,
                Base("https://api.telnyx.com") + $"/v2/texml_applications/{V("applicationId")}");
            telnyx.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Value("apiKey"));
            return telnyx;
        }

        var bandwidth = new HttpRequestMessage(
            HttpMethod.Get,
            Base("https://dashboard.bandwidth.com") +
                $"/api/accounts/{V("accountId")}/applications/{V("applicationId")}");
        bandwidth.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.Value("username")}:{account.Value("password")}")));
        return bandwidth;
    }
}
