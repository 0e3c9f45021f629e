using Microsoft.Extensions.Options;

namespace Switchboard.Providers;

/// <summary>
/// The one place an edge reads a provider's credentials from: to verify a webhook and to call the provider's REST
/// API. Keyed by the organization that owns the number (null where it is not known yet); for now every organization
/// uses the global account of each provider (<c>Switchboard:Twilio:*</c>, <c>Switchboard:SignalWire:*</c>,
/// <c>Switchboard:Telnyx:*</c>, <c>Switchboard:Bandwidth:*</c>).
/// </summary>
public sealed class ProviderCredentials(IOptions<SwitchboardOptions> options)
{
    public TwilioOptions Twilio(long? organizationId = null) => options.Value.Twilio;

    public SignalWireOptions SignalWire(long? organizationId = null) => options.Value.SignalWire;

    public TelnyxOptions Telnyx(long? organizationId = null) => options.Value.Telnyx;

    /// <summary>The Bandwidth credentials for this number's organization: its Voice API and callback sign-in.</summary>
    public BandwidthOptions Bandwidth(long? organizationId = null) => options.Value.Bandwidth;

    /// <summary>
    /// The provider whose account places the organization's agent-made calls (<c>Switchboard:Provider</c>).
    /// </summary>
    public Provider OutboundProvider(long? organizationId = null) => options.Value.Provider;

    /// <summary>Twilio's REST API, when its account is configured.</summary>
    public CompatibleAccount? TwilioAccount(long? organizationId = null)
    {
        var twilio = Twilio(organizationId);
        return twilio is { AccountSid: { Length: > 0 } sid, AuthToken: { Length: > 0 } token }
            ? new(
                Provider.Twilio,
                twilio.ApiBaseUrl,
                $"{twilio.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(sid)}",
                sid,
                token)
            : null;
    }

    /// <summary>SignalWire's compatibility API, when its project is configured.</summary>
    public CompatibleAccount? SignalWireAccount(long? organizationId = null)
    {
        var signalWire = SignalWire(organizationId);
        if (signalWire is not { ProjectId: { Length: > 0 } project, ApiToken: { Length: > 0 } token }
            || signalWire.ApiRoot() is not { } root)
        {
            return null;
        }

        var account = $"{root}/2010-04-01/Accounts/{Uri.EscapeDataString(project)}";
        return new(Provider.SignalWire, root, account, project, token);
    }
}
