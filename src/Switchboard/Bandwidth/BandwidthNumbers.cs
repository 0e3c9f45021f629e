using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Switchboard.Accounts;
using Switchboard.Phones;
using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.Bandwidth;

/// <summary>
/// A number at Bandwidth sends its calls to the Voice application of its location, so a number is connected when
/// the account's application (<c>applicationId</c>) sends its calls to Switchboard: its
/// <c>CallInitiatedCallbackUrl</c> is <c>/webhooks/bandwidth/voice</c>, its <c>CallStatusCallbackUrl</c>
/// <c>/webhooks/bandwidth/status</c>, and its <c>CallbackCreds</c> user is the account's callback user. Read with the
/// Dashboard API (<c>GET /api/accounts/{accountId}/applications/{applicationId}</c>, XML, the API user's Basic auth)
/// and, to connect, set with <c>PATCH</c> on the same resource (both URLs, their methods, and the callback
/// credentials). Not checked: that the number is on a location of this account whose Voice application is this one
/// (docs/provider.md says why), nor the callback password, which Bandwidth does not read back.
/// </summary>
public sealed class BandwidthNumbers(IHttpClientFactory clients, CallbackUrls urls, ILogger<BandwidthNumbers> log)
    : IBandwidthNumbers
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public string VoiceUrl => urls.BaseUrl + "/webhooks/bandwidth/voice";

    public string StatusUrl => urls.BaseUrl + "/webhooks/bandwidth/status";

    /// <summary><paramref name="guarded"/>: an organization's own account, reached through the network guard.</summary>
    public async Task<NumberCheck> CheckAsync(
        BandwidthOptions bandwidth,
        bool guarded,
        string number,
        bool connect,
        CancellationToken ct)
    {
        if (bandwidth is not
            {
                AccountId.Length: > 0, Username.Length: > 0, Password.Length: > 0, ApplicationId.Length: > 0,
            })
        {
            return new NumberCheck(NumberConnectionState.Unknown, "no provider account is configured");
        }

        var http = guarded ? clients.CreateClient(ProviderProbe.GuardedClient) : clients.CreateClient();
        var resource = bandwidth.DashboardApiBaseUrl.TrimEnd('/') +
            $"/api/accounts/{Uri.EscapeDataString(bandwidth.AccountId)}" +
            $"/applications/{Uri.EscapeDataString(bandwidth.ApplicationId)}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var read = Request(bandwidth, HttpMethod.Get, resource);
            using var found = await http.SendAsync(read, timeout.Token);
            var (application, problem) = await ReadAsync(found, timeout.Token);
            if (application is null)
            {
                return new NumberCheck(NumberConnectionState.Unknown, problem);
            }

            if (!PointsHere(application, bandwidth) && connect)
            {
                using var update = Request(bandwidth, HttpMethod.Patch, resource);
                update.Content = new StringContent(Connected(bandwidth).ToString(), Encoding.UTF8, "application/xml");
                using var updated = await http.SendAsync(update, timeout.Token);
                (application, problem) = await ReadAsync(updated, timeout.Token);
                if (application is null)
                {
                    return new NumberCheck(NumberConnectionState.Unknown, problem);
                }
            }

            return new NumberCheck(PointsHere(application, bandwidth)
                ? NumberConnectionState.Connected
                : NumberConnectionState.Elsewhere);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException
            && !ct.IsCancellationRequested)
        {
            log.LogWarning(
                "Number {Number} could not be checked at Bandwidth: {Error}",
                PhoneMask.Mask(number),
                e.GetType().Name);
            return new NumberCheck(NumberConnectionState.Unknown, ProviderProbe.Unreachable);
        }
    }

    /// <summary>The application's calls, their end and the sign-in are Switchboard's.</summary>
    private bool PointsHere(XElement application, BandwidthOptions bandwidth) =>
        Text(application, "CallInitiatedCallbackUrl") == VoiceUrl
        && Text(application, "CallStatusCallbackUrl") == StatusUrl
        && application.Element("CallbackCreds") is { } creds
        && Text(creds, "UserId") == bandwidth.CallbackUsername;

    /// <summary>What <c>PATCH</c> changes: the voice callbacks and the credentials Bandwidth signs in with.</summary>
    private XElement Connected(BandwidthOptions bandwidth) => new(
        "Application",
        new XElement("CallInitiatedCallbackUrl", VoiceUrl),
        new XElement("CallInitiatedMethod", "POST"),
        new XElement("CallStatusCallbackUrl", StatusUrl),
        new XElement("CallStatusMethod", "POST"),
        new XElement(
            "CallbackCreds",
            new XElement("UserId", bandwidth.CallbackUsername),
            new XElement("Password", bandwidth.CallbackPassword)));

    /// <summary>
    /// The <c>Application</c> of an <c>ApplicationProvisioningResponse</c>; else what failed, from its
    /// <c>ResponseStatus</c>'s <c>Description</c> (kept short, numbers masked).
    /// </summary>
    private static async Task<(XElement? Application, string? Problem)> ReadAsync(
        HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return (null, ProviderProbe.Refused);
        }

        XElement? root;
        try
        {
            root = XDocument.Parse(await response.Content.ReadAsStringAsync(ct)).Root;
        }
        catch (XmlException)
        {
            root = null;
        }

        if (response.IsSuccessStatusCode)
        {
            return root?.Element("Application") is { } application
                ? (application, null)
                : (null, "the provider's answer could not be read");
        }

        var description = root?.Element("ResponseStatus") is { } status ? Text(status, "Description") : null;
        var reason = $"the provider answered HTTP {(int)response.StatusCode}" +
            (description is { Length: > 0 } ? $": {PhoneMask.MaskAll(description)}" : "");
        return (null, reason.Length <= 300 ? reason : reason[..300]);
    }

    private static HttpRequestMessage Request(BandwidthOptions bandwidth, HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{bandwidth.Username}:{bandwidth.Password}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        return request;
    }

    private static string? Text(XElement parent, string name) => parent.Element(name)?.Value;
}
