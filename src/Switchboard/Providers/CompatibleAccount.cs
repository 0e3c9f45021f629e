using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.Providers;

/// <summary>
/// An account at a Twilio-compatible REST API: Twilio's (<c>{ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}</c>) or
/// SignalWire's compatibility API (<c>https://{space}.signalwire.com/api/laml/2010-04-01/Accounts/{ProjectId}</c>),
/// both with Basic auth, and the key its webhooks' signatures are made with. An organization's own account is
/// <paramref name="Guarded"/>: its API is reached through the network guard, the global one's is not.
/// </summary>
public sealed record CompatibleAccount(
    Provider Provider,
    string ApiBaseUrl,
    string AccountUrl,
    string User,
    string Password,
    string? SigningKey = null,
    bool Guarded = false)
{
    public const string TwilioApi = "https://api.twilio.com";

    public AuthenticationHeaderValue Authorization() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));

    public string ResourceUrl(string resource) => $"{AccountUrl}/{resource}";

    /// <summary>
    /// Twilio's account at <paramref name="apiBaseUrl"/>; its webhooks are signed with the auth token.
    /// </summary>
    public static CompatibleAccount Twilio(string apiBaseUrl, string accountSid, string authToken, bool guarded) =>
        new(
            Provider.Twilio,
            apiBaseUrl,
            $"{apiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}",
            accountSid,
            authToken,
            authToken,
            guarded);

    /// <summary>A SignalWire project at its space's compatibility API root (<c>…/api/laml</c>).</summary>
    public static CompatibleAccount SignalWire(
        string root, string projectId, string apiToken, string? signingKey, bool guarded) =>
        new(
            Provider.SignalWire,
            root,
            $"{root.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(projectId)}",
            projectId,
            apiToken,
            signingKey,
            guarded);
}
