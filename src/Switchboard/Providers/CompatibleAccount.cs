using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.Providers;

/// <summary>
/// An account at a Twilio-compatible REST API: Twilio's (<c>{ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}</c>) or
/// SignalWire's compatibility API (<c>https://{space}.signalwire.com/api/laml/2010-04-01/Accounts/{ProjectId}</c>),
/// both with Basic auth.
/// </summary>
public sealed record CompatibleAccount(
    Provider Provider, string ApiBaseUrl, string AccountUrl, string User, string Password)
{
    public AuthenticationHeaderValue Authorization() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
}
