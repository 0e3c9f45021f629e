namespace Switchboard.Storage;

/// <summary>
/// An organization's own provider account. The secrets are one JSON object encrypted with Data Protection
/// (<see cref="ProtectedSecrets"/>); what admins may see of them is kept beside it (<see cref="SecretHints"/>, the last
/// four characters of each), so that reading the account never needs the key ring.
/// </summary>
public sealed class ProviderAccount
{
    public long OrganizationId { get; set; }

    /// <summary><c>twilio</c>, <c>signalwire</c>, <c>telnyx</c> or <c>bandwidth</c>.</summary>
    public required string Provider { get; set; }

    /// <summary>The fields that are no secret (account sid, space, application id…), as a JSON object.</summary>
    public required string Settings { get; set; }

    public required string ProtectedSecrets { get; set; }

    public required string SecretHints { get; set; }

    /// <summary>
    /// The operator's choice of API endpoint (a region, a test's fake); null: the provider's public one.
    /// </summary>
    public string? ApiBaseUrl { get; set; }

    public DateTime UpdatedAt { get; set; }
}
