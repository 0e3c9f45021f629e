using System.Text.RegularExpressions;

namespace Switchboard.Accounts;

/// <summary>
/// One field of an account as <c>PUT …/provider</c> takes it: its name, whether it is a secret, its check.
/// </summary>
internal sealed record AccountField(string Name, bool Secret, Func<string, string?> Problem);

/// <summary>The providers an organization's account may be at, and the fields each one's account has.</summary>
public static partial class ProviderKinds
{
    public const string Twilio = "twilio";
    public const string SignalWire = "signalwire";
    public const string Telnyx = "telnyx";
    public const string Bandwidth = "bandwidth";

    public static readonly string[] All = [Twilio, SignalWire, Telnyx, Bandwidth];

    internal static readonly IReadOnlyDictionary<string, AccountField[]> Fields = new Dictionary<string, AccountField[]>
    {
        [Twilio] = [new("accountSid", false, AccountSidProblem), new("authToken", true, SecretProblem)],
        [SignalWire] =
        [
            new("space", false, SpaceProblem),
            new("projectId", false, UuidProblem),
            new("apiToken", true, SecretProblem),
            new("signingKey", true, SecretProblem),
        ],
        [Telnyx] =
        [
            new("apiKey", true, SecretProblem),
            new("publicKey", false, PublicKeyProblem),
            new("applicationId", false, IdProblem),
        ],
        [Bandwidth] =
        [
            new("accountId", false, DigitsProblem),
            new("username", false, NameProblem),
            new("password", true, SecretProblem),
            new("applicationId", false, IdProblem),
            new("callbackUsername", false, NameProblem),
            new("callbackPassword", true, SecretProblem),
        ],
    };

    public static string Allowed => "must be one of " + string.Join(", ", All.Select(p => $"\"{p}\""));

    /// <summary>
    /// The SignalWire space as a host name: "example" and "example.signalwire.com" name the same one.
    /// </summary>
    public static string SpaceHost(string space) =>
        space.Contains('.', StringComparison.Ordinal)
            ? space.ToLowerInvariant()
            : $"{space.ToLowerInvariant()}.signalwire.com";

    private static string? AccountSidProblem(string value) =>
        AccountSid().IsMatch(value) ? null : "must be a Twilio account sid (AC and 32 hexadecimal digits)";

    private static string? SpaceProblem(string value) =>
        Space().IsMatch(value) ? null : "must be the space's name or host, e.g. example or example.signalwire.com";

    private static string? UuidProblem(string value) =>
        Guid.TryParse(value, out _) ? null : "must be a project id (a UUID)";

    private static string? DigitsProblem(string value) =>
        Digits().IsMatch(value) ? null : "must be the account's number (digits)";

    private static string? IdProblem(string value) =>
        Id().IsMatch(value) ? null : "must be an id of letters, digits and dashes";

    private static string? NameProblem(string value) =>
        value.Length > 200 || value.Any(char.IsControl)
            ? "must be at most 200 characters without control characters"
            : null;

    private static string? SecretProblem(string value) =>
        value.Length is < 8 or > 500 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? "must be 8 to 500 characters without spaces"
            : null;

    /// <summary>Telnyx signs webhooks with Ed25519: its public key is 32 bytes, in base64.</summary>
    private static string? PublicKeyProblem(string value)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(value, bytes, out var length) && length == 32
            ? null
            : "must be an Ed25519 public key: 32 bytes in base64";
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSid();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{0,62}(\.signalwire\.com)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Space();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex Digits();

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex Id();
}

/// <summary>
/// An organization's account as the code that calls the provider uses it: decrypted, in memory only.
/// <see cref="Secrets"/> is null when they could not be decrypted (a lost key ring): the account is then unusable,
/// and is never replaced by the global one.
/// </summary>
public sealed record OrganizationAccount(
    long OrganizationId,
    string Provider,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string>? Secrets,
    string? ApiBaseUrl)
{
    public string? Value(string name) =>
        Settings.TryGetValue(name, out var setting) ? setting : Secrets?.GetValueOrDefault(name);
}
