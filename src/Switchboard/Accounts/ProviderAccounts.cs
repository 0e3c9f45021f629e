using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Authorization;
using Switchboard.Events;
using Switchboard.Kernel;
using Switchboard.Network;
using Switchboard.Storage;

namespace Switchboard.Accounts;

/// <summary>
/// <c>PUT …/provider</c>: the provider and its account's fields (which ones depends on the provider).
/// </summary>
public sealed record ProviderAccountRequest(
    string? Provider,
    string? AccountSid = null,
    string? AuthToken = null,
    string? Space = null,
    string? ProjectId = null,
    string? ApiToken = null,
    string? SigningKey = null,
    string? ApiKey = null,
    string? PublicKey = null,
    string? ApplicationId = null,
    string? AccountId = null,
    string? Username = null,
    string? Password = null,
    string? CallbackUsername = null,
    string? CallbackPassword = null,
    string? ApiBaseUrl = null)
{
    internal IEnumerable<(string Name, string? Value)> Values() =>
    [
        ("accountSid", AccountSid), ("authToken", AuthToken), ("space", Space), ("projectId", ProjectId),
        ("apiToken", ApiToken), ("signingKey", SigningKey), ("apiKey", ApiKey), ("publicKey", PublicKey),
        ("applicationId", ApplicationId), ("accountId", AccountId), ("username", Username), ("password", Password),
        ("callbackUsername", CallbackUsername), ("callbackPassword", CallbackPassword),
    ];
}

/// <summary>
/// The account an organization uses: its own (<c>account: "organization"</c>) or the global one (<c>"global"</c>).
/// <see cref="Secrets"/> holds only the last four characters of each secret.
/// </summary>
public sealed record ProviderAccountAnswer(
    string Provider,
    string Account,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string> Secrets,
    string? ApiBaseUrl,
    DateTime? UpdatedAt);

/// <summary>
/// What <c>POST …/provider/check</c> found: whether the provider accepted the credentials, else what failed.
/// </summary>
public sealed record ProviderCheckAnswer(string Provider, string Account, bool Ok, string? Problem);

/// <summary>An organization's own provider account, as the admin API and the panel set, show and check it.</summary>
public sealed class ProviderAccounts(
    SwitchboardDb db,
    AccountDirectory directory,
    ProviderProbe probe,
    NetworkGuard guard,
    IOptions<SwitchboardOptions> options,
    TimeProvider clock)
{
    public const string OwnAccount = "organization";
    public const string GlobalAccount = "global";

    private ProvidersOptions Settings => options.Value.Providers;

    public async Task<ProviderAccountAnswer> GetAsync(long orgId, CancellationToken ct) =>
        await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.OrganizationId == orgId, ct) is { } account
            ? Answer(account)
            : new ProviderAccountAnswer(
                ProviderKinds.Twilio,
                GlobalAccount,
                new Dictionary<string, string>(),
                new Dictionary<string, string>(),
                null,
                null);

    /// <summary>
    /// Stores the account without calling the provider: a provider that is down must not block the set-up.
    /// </summary>
    public async Task<Answer<ProviderAccountAnswer>> SetAsync(
        long orgId,
        ProviderAccountRequest request,
        Caller caller,
        CancellationToken ct)
    {
        if (MayNotSet(caller) is { } forbidden)
        {
            return forbidden;
        }

        var errors = new Dictionary<string, string[]>();
        var provider = request.Provider?.Trim().ToLowerInvariant();
        if (provider is null || !ProviderKinds.Fields.TryGetValue(provider, out var fields))
        {
            return Refusal.OnField("provider", provider is null ? "is required" : ProviderKinds.Allowed);
        }

        var given = request.Values()
            .Where(v => !string.IsNullOrWhiteSpace(v.Value))
            .ToDictionary(v => v.Name, v => v.Value!.Trim());
        foreach (var field in fields)
        {
            var problem = given.TryGetValue(field.Name, out var value) && value.Length > 0
                ? field.Problem(value)
                : "is required";
            if (problem is not null)
            {
                errors[field.Name] = [problem];
            }
        }

        foreach (var name in given.Keys.Where(n => fields.All(f => f.Name != n)))
        {
            errors[name] = [$"is not a field of a {provider} account"];
        }

        var apiBaseUrl = string.IsNullOrWhiteSpace(request.ApiBaseUrl) ? null : request.ApiBaseUrl.Trim().TrimEnd('/');
        if (apiBaseUrl is not null && caller.Role != CallerRole.Operator)
        {
            return new Refusal.Forbidden("apiBaseUrl is the operator's to set.");
        }

        if (apiBaseUrl is not null && await ApiBaseUrlProblemAsync(apiBaseUrl, ct) is { } urlProblem)
        {
            errors["apiBaseUrl"] = [urlProblem];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var settings = fields.Where(f => !f.Secret)
            .ToDictionary(f => f.Name, f => Normalized(provider, f.Name, given[f.Name]));
        var secrets = fields.Where(f => f.Secret).ToDictionary(f => f.Name, f => given[f.Name]);
        var account = await db.ProviderAccounts.FirstOrDefaultAsync(a => a.OrganizationId == orgId, ct);
        if (account is null)
        {
            account = new ProviderAccount
            {
                OrganizationId = orgId,
                Provider = provider,
                Settings = "",
                ProtectedSecrets = "",
                SecretHints = "",
            };
            db.ProviderAccounts.Add(account);
        }

        account.Provider = provider;
        account.Settings = JsonSerializer.Serialize(settings);
        account.ProtectedSecrets = directory.Protect(secrets);
        account.SecretHints = JsonSerializer.Serialize(secrets.ToDictionary(s => s.Key, s => Hint(s.Value)));
        account.ApiBaseUrl = apiBaseUrl;
        account.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        return Answer(account);
    }

    /// <summary>The organization goes back to the global account.</summary>
    public async Task<Refusal?> RemoveAsync(long orgId, Caller caller, CancellationToken ct)
    {
        if (MayNotSet(caller) is { } forbidden)
        {
            return forbidden;
        }

        if (await db.ProviderAccounts.FirstOrDefaultAsync(a => a.OrganizationId == orgId, ct) is { } account)
        {
            db.ProviderAccounts.Remove(account);
            await db.SaveChangesAsync(ct);
            directory.Invalidate();
        }

        return null;
    }

    /// <summary>
    /// Tries the credentials the organization uses now (its own, or the global ones) at the provider.
    /// </summary>
    public async Task<ProviderCheckAnswer> CheckAsync(long orgId, CancellationToken ct)
    {
        directory.Invalidate();
        if (await directory.OwnAsync(orgId, ct) is { } own)
        {
            var failed = await probe.ProblemAsync(own, guarded: true, ct);
            return new ProviderCheckAnswer(own.Provider, OwnAccount, failed is null, failed);
        }

        if (options.Value.Twilio is not { AccountSid.Length: > 0, AuthToken.Length: > 0 } twilio)
        {
            return new ProviderCheckAnswer(ProviderKinds.Twilio, GlobalAccount, false, "no account is configured");
        }

        var credentials = new OrganizationAccount(
            orgId,
            ProviderKinds.Twilio,
            new Dictionary<string, string> { ["accountSid"] = twilio.AccountSid },
            new Dictionary<string, string> { ["authToken"] = twilio.AuthToken },
            twilio.ApiBaseUrl);
        var problem = await probe.ProblemAsync(credentials, guarded: false, ct);
        return new ProviderCheckAnswer(ProviderKinds.Twilio, GlobalAccount, problem is null, problem);
    }

    private Refusal? MayNotSet(Caller caller) =>
        caller.Role == CallerRole.Operator || (caller.Role == CallerRole.Admin && Settings.AdminsMaySetAccount)
            ? null
            : new Refusal.Forbidden(
                "Only the operator sets an organization's provider account " +
                "(Switchboard:Providers:AdminsMaySetAccount).");

    private async Task<string?> ApiBaseUrlProblemAsync(string url, CancellationToken ct) =>
        CallEventSettings.UrlProblem(url) is { } problem ? problem
        : new Uri(url).Query.Length > 0 ? "must not have a query"
        : await guard.UrlProblemAsync(new Uri(url), Settings.AllowedNetworks, ct);

    private static string Normalized(string provider, string field, string value) =>
        provider == ProviderKinds.SignalWire && field == "space" ? ProviderKinds.SpaceHost(value) : value;

    private static string Hint(string secret) => "…" + secret[^4..];

    private static ProviderAccountAnswer Answer(ProviderAccount account) => new(
        account.Provider,
        OwnAccount,
        JsonSerializer.Deserialize<Dictionary<string, string>>(account.Settings) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, string>>(account.SecretHints) ?? [],
        account.ApiBaseUrl,
        account.UpdatedAt);
}
