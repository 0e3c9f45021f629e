using Microsoft.Extensions.Options;
using Switchboard.Accounts;

namespace Switchboard.Providers;

/// <summary>
/// The one place an edge reads a provider's credentials from: to verify a webhook and to call the provider's REST
/// API. Keyed by the organization that owns the call, number or recording: its own account
/// (<see cref="AccountDirectory"/>, set with <c>PUT …/provider</c>), or, when it has none, the global account of each
/// provider (<c>Switchboard:Twilio:*</c>, <c>Switchboard:SignalWire:*</c>, <c>Switchboard:Telnyx:*</c>,
/// <c>Switchboard:Bandwidth:*</c>). An organization's own account is never replaced by a global one, even at another
/// provider or when it cannot be decrypted: its webhooks are then refused and its calls not placed.
/// </summary>
public sealed class ProviderCredentials(IOptions<SwitchboardOptions> options, AccountDirectory accounts)
{
    /// <summary>The global Twilio configuration.</summary>
    public TwilioOptions Twilio() => options.Value.Twilio;

    /// <summary>The global SignalWire configuration.</summary>
    public SignalWireOptions SignalWire() => options.Value.SignalWire;

    /// <summary>The global Telnyx configuration.</summary>
    public TelnyxOptions Telnyx() => options.Value.Telnyx;

    /// <summary>The global Bandwidth configuration (Voice API and callback sign-in).</summary>
    public BandwidthOptions Bandwidth() => options.Value.Bandwidth;

    /// <summary>
    /// The provider whose global account places agent-made calls (<c>Switchboard:Provider</c>) for organizations
    /// without an account of their own.
    /// </summary>
    public Provider OutboundProvider() => options.Value.Provider;

    /// <summary>Whether any organization has an account of its own.</summary>
    public bool AnyOrganizationAccount => accounts.AnyOrganizationAccount;

    /// <summary>Twilio's global REST API, when its account is configured.</summary>
    public CompatibleAccount? TwilioAccount() =>
        Twilio() is { AccountSid: { Length: > 0 } sid, AuthToken: { Length: > 0 } token } twilio
            ? CompatibleAccount.Twilio(twilio.ApiBaseUrl, sid, token, guarded: false)
            : null;

    /// <summary>SignalWire's global compatibility API, when its project is configured.</summary>
    public CompatibleAccount? SignalWireAccount()
    {
        var signalWire = SignalWire();
        return signalWire is { ProjectId: { Length: > 0 } project, ApiToken: { Length: > 0 } token }
            && signalWire.ApiRoot() is { } root
                ? CompatibleAccount.SignalWire(root, project, token, signalWire.SigningKey, guarded: false)
                : null;
    }

    /// <summary>The key a Twilio webhook about this call (or to this number) must be signed with.</summary>
    public async Task<string?> TwilioSigningKeyAsync(long? callId, string? calledNumber, CancellationToken ct) =>
        await accounts.OwnForWebhookAsync(callId, calledNumber, ct) is { } own
            ? Own(own, Provider.Twilio)?.SigningKey
            : Twilio().AuthToken;

    /// <summary>The key a SignalWire webhook about this call (or to this number) must be signed with.</summary>
    public async Task<string?> SignalWireSigningKeyAsync(long? callId, string? calledNumber, CancellationToken ct) =>
        await accounts.OwnForWebhookAsync(callId, calledNumber, ct) is { } own
            ? Own(own, Provider.SignalWire)?.SigningKey
            : SignalWire().SigningKey;

    /// <summary>The Telnyx account a webhook about this call (or to this number) is verified with.</summary>
    public async Task<TelnyxOptions?> TelnyxForWebhookAsync(long? callId, string? calledNumber, CancellationToken ct) =>
        await accounts.OwnForWebhookAsync(callId, calledNumber, ct) is { } own ? OwnTelnyx(own) : Telnyx();

    /// <summary>
    /// The Bandwidth account a webhook about this call (or to this number) signs in with: its callback credentials.
    /// </summary>
    public async Task<BandwidthOptions?> BandwidthForWebhookAsync(
        long? callId, string? calledNumber, CancellationToken ct) =>
        await accounts.OwnForWebhookAsync(callId, calledNumber, ct) is { } own ? OwnBandwidth(own) : Bandwidth();

    /// <summary>
    /// The Twilio-compatible account (Twilio or SignalWire) that carried this call, to read its status and its
    /// recordings: the organization's own, else <paramref name="provider"/>'s global one.
    /// </summary>
    public async Task<CompatibleAccount?> CompatibleForCallSidAsync(
        string callSid, Provider provider, CancellationToken ct) =>
        await accounts.OwnForCallSidAsync(callSid, ct) is { } own ? Own(own, provider)
            : provider == Provider.SignalWire ? SignalWireAccount() : TwilioAccount();

    /// <summary>
    /// The Telnyx account that carried this call, to read its status and its recordings: the organization's own
    /// (<c>Guarded</c>: reached through the network guard), else the global one.
    /// </summary>
    public async Task<(TelnyxOptions Account, bool Guarded)?> TelnyxForCallSidAsync(
        string callSid, CancellationToken ct) =>
        await accounts.OwnForCallSidAsync(callSid, ct) is { } own
            ? OwnTelnyx(own) is { ApiKey.Length: > 0 } telnyx ? (telnyx, true) : null
            : Telnyx() is { ApiKey.Length: > 0 } global ? (global, false) : null;

    /// <summary>
    /// The Bandwidth account that carried this call, to read its state and its recordings: the organization's own
    /// (<c>Guarded</c>: reached through the network guard), else the global one.
    /// </summary>
    public async Task<(BandwidthOptions Account, bool Guarded)?> BandwidthForCallSidAsync(
        string callSid, CancellationToken ct) =>
        await accounts.OwnForCallSidAsync(callSid, ct) is { } own
            ? OwnBandwidth(own) is { CanRead: true } bandwidth ? (bandwidth, true) : null
            : Bandwidth() is { CanRead: true } global ? (global, false) : null;

    /// <summary>Whether any provider's REST API can be read: recordings fetched, calls looked up.</summary>
    public bool CanReadProviders => AnyOrganizationAccount || TwilioAccount() is not null
        || SignalWireAccount() is not null || Telnyx() is { ApiKey.Length: > 0 } || Bandwidth().CanRead;

    /// <summary>Whether some account can place agent-made calls.</summary>
    public bool CanPlaceCalls => AnyOrganizationAccount || OutboundProvider() switch
    {
        Provider.Twilio => TwilioAccount() is not null,
        Provider.SignalWire => SignalWireAccount() is not null,
        Provider.Telnyx => Telnyx() is { ApiKey.Length: > 0, ApplicationId.Length: > 0 },
        Provider.Bandwidth => Bandwidth().CanPlaceCalls,
        _ => false,
    };

    /// <summary>The account that places the agent's leg of this call; null when there is none that can.</summary>
    public async Task<OutboundAccount?> OutboundForCallAsync(long callId, CancellationToken ct)
    {
        if (await accounts.OwnForCallAsync(callId, ct) is { } own)
        {
            return own.Compatible() is { } compatible ? new OutboundAccount.Compatible(compatible)
                : OwnTelnyx(own) is { ApiKey.Length: > 0, ApplicationId.Length: > 0 } telnyx
                    ? new OutboundAccount.Telnyx(telnyx, Guarded: true)
                : OwnBandwidth(own) is { CanPlaceCalls: true } bandwidth
                    ? new OutboundAccount.Bandwidth(bandwidth, Guarded: true)
                    : null;
        }

        return OutboundProvider() switch
        {
            Provider.Twilio when TwilioAccount() is { } twilio => new OutboundAccount.Compatible(twilio),
            Provider.SignalWire when SignalWireAccount() is { } signalWire =>
                new OutboundAccount.Compatible(signalWire),
            Provider.Telnyx when Telnyx() is { ApiKey.Length: > 0, ApplicationId.Length: > 0 } telnyx =>
                new OutboundAccount.Telnyx(telnyx),
            Provider.Bandwidth when Bandwidth() is { CanPlaceCalls: true } bandwidth =>
                new OutboundAccount.Bandwidth(bandwidth),
            _ => null,
        };
    }

    private static CompatibleAccount? Own(OrganizationAccount own, Provider provider) =>
        own.Compatible() is { } account && account.Provider == provider ? account : null;

    /// <summary>
    /// An organization's Telnyx account, at its own <c>apiBaseUrl</c> or else the configured Telnyx API; its calls go
    /// through the network guard (<see cref="OutboundAccount.Telnyx.Guarded"/>).
    /// </summary>
    public TelnyxOptions? OwnTelnyx(OrganizationAccount own) =>
        own is { Provider: ProviderKinds.Telnyx, Secrets: not null }
            ? new TelnyxOptions
            {
                ApiKey = own.Value("apiKey"),
                PublicKey = own.Value("publicKey"),
                ApplicationId = own.Value("applicationId"),
                ApiBaseUrl = own.ApiBaseUrl ?? Telnyx().ApiBaseUrl,
                SignatureTolerance = Telnyx().SignatureTolerance,
            }
            : null;

    /// <summary>
    /// An organization's Bandwidth account, at its own <c>apiBaseUrl</c> (the Voice API's root) or else the
    /// configured one; its calls go through the network guard (<see cref="OutboundAccount.Bandwidth.Guarded"/>).
    /// </summary>
    public BandwidthOptions? OwnBandwidth(OrganizationAccount own) =>
        own is { Provider: ProviderKinds.Bandwidth, Secrets: not null }
            ? new BandwidthOptions
            {
                AccountId = own.Value("accountId"),
                Username = own.Value("username"),
                Password = own.Value("password"),
                ApplicationId = own.Value("applicationId"),
                CallbackUsername = own.Value("callbackUsername"),
                CallbackPassword = own.Value("callbackPassword"),
                ApiBaseUrl = own.ApiBaseUrl ?? Bandwidth().ApiBaseUrl,
                DashboardApiBaseUrl = own.ApiBaseUrl ?? Bandwidth().DashboardApiBaseUrl,
            }
            : null;
}

/// <summary>The account that places an agent's leg: a Twilio-compatible one, Telnyx's or Bandwidth's.</summary>
public abstract record OutboundAccount
{
    private OutboundAccount()
    {
    }

    public sealed record Compatible(CompatibleAccount Account) : OutboundAccount;

    /// <summary>
    /// <paramref name="Guarded"/>: an organization's own account, whose API is reached through the network guard.
    /// </summary>
    public sealed record Telnyx(TelnyxOptions Options, bool Guarded = false) : OutboundAccount;

    /// <summary>
    /// <paramref name="Guarded"/>: an organization's own account, whose API is reached through the network guard.
    /// </summary>
    public sealed record Bandwidth(BandwidthOptions Options, bool Guarded = false) : OutboundAccount;
}

/// <summary>An organization's own account as a Twilio-compatible REST API sees it.</summary>
public static class OwnCompatibleAccount
{
    /// <summary>Twilio or SignalWire (with its <c>apiBaseUrl</c>); null for other providers or lost secrets.</summary>
    public static CompatibleAccount? Compatible(this OrganizationAccount own) => (own.Provider, own.Secrets) switch
    {
        (_, null) => null,
        (ProviderKinds.Twilio, _) => CompatibleAccount.Twilio(
            own.ApiBaseUrl ?? CompatibleAccount.TwilioApi,
            own.Value("accountSid")!,
            own.Value("authToken")!,
            guarded: true),
        (ProviderKinds.SignalWire, _) => CompatibleAccount.SignalWire(
            own.ApiBaseUrl ?? $"https://{ProviderKinds.SpaceHost(own.Value("space")!)}/api/laml",
            own.Value("projectId")!,
            own.Value("apiToken")!,
            own.Value("signingKey"),
            guarded: true),
        _ => null,
    };
}
