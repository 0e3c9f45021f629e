namespace Switchboard;

public sealed class SwitchboardOptions
{
    public const string Section = "Switchboard";

    /// <summary>Bearer token of the platform operator; unset means no operator access.</summary>
    public string? OperatorToken { get; set; }

    /// <summary>Region assumed for numbers written without a country code.</summary>
    public string DefaultRegion { get; set; } = "US";

    public DatabaseOptions Database { get; set; } = new();

    public TwilioOptions Twilio { get; set; } = new();

    public SignalWireOptions SignalWire { get; set; } = new();

    public TelnyxOptions Telnyx { get; set; } = new();

    public BandwidthOptions Bandwidth { get; set; } = new();

    /// <summary>The provider whose account places agent-made calls: Twilio, SignalWire, Telnyx or Bandwidth.</summary>
    public global::Switchboard.Providers.Provider Provider { get; set; } =
        global::Switchboard.Providers.Provider.Twilio;

    public CallEventsOptions CallEvents { get; set; } = new();

    public RateLimitsOptions RateLimits { get; set; } = new();

    public Observability.MetricsOptions Metrics { get; set; } = new();

    public ApiDocs.ApiDocsOptions ApiDocs { get; set; } = new();

    public MessagesOptions Messages { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public VoicemailOptions Voicemail { get; set; } = new();

    public CallsOptions Calls { get; set; } = new();

    public ProvidersOptions Providers { get; set; } = new();

    public BackgroundOptions Background { get; set; } = new();
}

/// <summary>Work an instance does beside its requests.</summary>
public sealed class BackgroundOptions
{
    /// <summary>
    /// How long after the app starts serving the events outbox, the retention purge and the numbers' check make their
    /// first pass (docs/performance.md, "Cold start").
    /// </summary>
    public TimeSpan FirstPassDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Organizations' own provider accounts (docs/provider.md, "An account per organization").</summary>
public sealed class ProvidersOptions
{
    /// <summary>
    /// An organization's admin may set its account (<c>PUT …/provider</c>); by default only the operator may.
    /// </summary>
    public bool AdminsMaySetAccount { get; set; }

    /// <summary>
    /// Networks (CIDRs) an account's <c>apiBaseUrl</c> may point to although they are not public (a regional proxy on
    /// the operator's premises, a test's fake provider); empty by default, as for the events URL.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// How often every number's configuration at its provider is checked (and shown as connected or not).
    /// </summary>
    public TimeSpan ConnectionCheckInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>How the purge of data past an organization's retention runs.</summary>
public sealed class RetentionOptions
{
    /// <summary>How often the purge looks for data past its organization's retention.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most rows deleted per transaction; batches start smaller and are sized to fit the budget.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long one batch may hold the database's writer: about the most a call's write waits.</summary>
    public TimeSpan BatchBudget { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The share of the time the purge works at most; it rests after each batch (0.2: 4× the batch).</summary>
    public double WorkShare { get; set; } = 0.2;
}

/// <summary>How texting events are taken in.</summary>
public sealed class MessagesOptions
{
    /// <summary>
    /// How far ahead of Switchboard's clock a text's <c>sentAt</c> may be (the platform's clock may run a little fast).
    /// </summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Voicemail: the signed audio links of events, the wait for a transcript, and the pace of the sweeper.
/// </summary>
public sealed class VoicemailOptions
{
    /// <summary>
    /// Keys the signed audio links; unset: a key derived from the provider's auth token (rotating it ends old links).
    /// </summary>
    public string? LinkSecret { get; set; }

    /// <summary>How long the audio link of a <c>call.voicemail</c> event works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the event waits for the provider's transcript, when transcription is on; then it goes without.
    /// </summary>
    public TimeSpan TranscriptWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often waiting events and recordings past their retention are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Calls left open (a lost webhook, a caller who hung up unseen): when they are looked up at the provider and ended.
/// </summary>
public sealed class CallsOptions
{
    /// <summary>A call with no outcome and no webhook for this long is looked up at the provider.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A call the provider cannot tell about (no account, unknown call) is ended as unknown after this long.
    /// </summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Limits per source address (the connection's remote IP); a <see cref="RateLimit.PermitLimit"/> of 0 turns one off.
/// </summary>
public sealed class RateLimitsOptions
{
    /// <summary>
    /// Wrong, unknown or revoked bearer tokens; past the limit every bearer request from the source gets 429.
    /// </summary>
    public RateLimit FailedAuthentication { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Failed panel sign-ins, whatever the email (each sign-in also locks itself after 5 wrong passwords).
    /// </summary>
    public RateLimit FailedSignIns { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Every webhook request, signed or not; past the limit the endpoint's fallback TwiML ends the call politely.
    /// </summary>
    public RateLimit Webhooks { get; set; } = new() { PermitLimit = 10_000, Window = TimeSpan.FromSeconds(10) };
}

public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>How call events are sent to the organizations' texting platforms.</summary>
public sealed class CallEventsOptions
{
    /// <summary>How often the sender looks for events that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a receiver may take to answer one event.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an event is retried after it was raised; the first failure after that gives it up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The pause after the first failure; it doubles after each, up to <see cref="MaxRetryDelay"/>, with jitter.
    /// </summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many of one organization's events may be on their way at once, each of another call (a call's go in order).
    /// 1 keeps the order in which the organization's events were raised; more sends faster but events of different
    /// calls may then arrive in another order.
    /// </summary>
    public int MaxConcurrentPerOrganization { get; set; } = 1;

    /// <summary>How many organizations' events may be on their way at once; the others' wait for a place.</summary>
    public int MaxConcurrentOrganizations { get; set; } = 32;

    /// <summary>
    /// Networks (CIDRs) that events may go to although they are not public, for receivers on the operator's premises;
    /// empty by default, so that no organization can make Switchboard reach into the operator's network.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

public sealed class DatabaseOptions
{
    public string Provider { get; set; } = "Sqlite";

    /// <summary>How long <c>/healthz</c> waits for the database before it reports Unhealthy.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class TwilioOptions
{
    /// <summary>Verifies X-Twilio-Signature; unset means every webhook is refused.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The base URL the provider calls; signatures and callback URLs are built on it.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// The account that places outbound calls (with <see cref="AuthToken"/>); unset means no outbound calls.
    /// </summary>
    public string? AccountSid { get; set; }

    /// <summary>The provider's REST API; another TwiML-compatible provider's, or a local fake in tests.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>How long one request to the REST API may take before it is given up.</summary>
    public TimeSpan ApiAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first pause before a request that never reached the REST API is sent again (then doubled, with jitter).
    /// </summary>
    public TimeSpan ApiRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a webhook may work (read facts, decide, store) before the caller gets the endpoint's polite
    /// fallback instead; well inside the provider's own 15 s, so that a stuck database never leaves a caller in
    /// silence.
    /// </summary>
    public TimeSpan AnswerBudget { get; set; } = TimeSpan.FromSeconds(1.5);
}

/// <summary>
/// A SignalWire project (docs/provider.md): its webhooks at <c>/webhooks/signalwire/…</c>, its compatibility API.
/// </summary>
public sealed class SignalWireOptions
{
    /// <summary>The space's name, as in <c>{space}.signalwire.com</c>.</summary>
    public string? Space { get; set; }

    public string? ProjectId { get; set; }

    /// <summary>The project's API token: Basic auth of the compatibility API, with <see cref="ProjectId"/>.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Verifies X-SignalWire-Signature; unset means every SignalWire webhook is refused.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The compatibility API's root; unset: <c>https://{Space}.signalwire.com/api/laml</c> (a local fake in tests).
    /// </summary>
    public string? ApiBaseUrl { get; set; }

    public string? ApiRoot() =>
        ApiBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/')
        : Space is { Length: > 0 } space ? $"https://{Uri.EscapeDataString(space)}.signalwire.com/api/laml"
        : null;
}

/// <summary>
/// A Telnyx account and its TeXML application (docs/provider.md): webhooks at <c>/webhooks/telnyx/…</c>.
/// </summary>
public sealed class TelnyxOptions
{
    /// <summary>The API key (Bearer) of the REST API that places agent-made calls.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The account's Ed25519 public key, base64; verifies telnyx-signature-ed25519. Unset: every webhook is refused.
    /// </summary>
    public string? PublicKey { get; set; }

    /// <summary>The TeXML application (its connection id) that agent-made calls are placed from.</summary>
    public string? ApplicationId { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.telnyx.com";

    /// <summary>How far telnyx-timestamp may be from Switchboard's clock either way; older ones are replays.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A Bandwidth account and its Voice application (docs/provider.md): webhooks at <c>/webhooks/bandwidth/…</c>.
/// </summary>
public sealed class BandwidthOptions
{
    public string? AccountId { get; set; }

    /// <summary>The API user of the Voice API (Basic auth, with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The Voice application that agent-made calls are placed from.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>
    /// The Basic auth credentials set on the Voice application (and on every URL Switchboard's BXML names);
    /// unset: every Bandwidth webhook is refused.
    /// </summary>
    public string? CallbackUsername { get; set; }

    public string? CallbackPassword { get; set; }

    public string ApiBaseUrl { get; set; } = "https://voice.bandwidth.com";

    /// <summary>
    /// The Dashboard API, where the Voice application's callback URLs are read and set (an organization's own
    /// <c>apiBaseUrl</c> stands for both roots).
    /// </summary>
    public string DashboardApiBaseUrl { get; set; } = "https://dashboard.bandwidth.com";

    public bool CanPlaceCalls => CanRead && ApplicationId is { Length: > 0 };

    /// <summary>The Voice API can be read: recordings fetched and deleted, calls looked up.</summary>
    public bool CanRead => this is { AccountId.Length: > 0, Username.Length: > 0, Password.Length: > 0 };
}
