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
}

public sealed class DatabaseOptions
{
    public string Provider { get; set; } = "Sqlite";
}

public sealed class TwilioOptions
{
    /// <summary>Verifies X-Twilio-Signature; unset means every webhook is refused.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The base URL the provider calls; signatures and callback URLs are built on it.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The account that places outbound calls (with <see cref="AuthToken"/>); unset means no outbound calls.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The provider's REST API; another TwiML-compatible provider's, or a local fake in tests.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>How long one request to the REST API may take before it is given up.</summary>
    public TimeSpan ApiAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first pause before a request that never reached the REST API is sent again (then doubled, with jitter).</summary>
    public TimeSpan ApiRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
