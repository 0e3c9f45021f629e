using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Storage;

namespace Switchboard.Accounts;

/// <summary>
/// Which provider account speaks for an organization, a number, a call or a recording: the organization's own, or,
/// when it has none, the global one (<c>Switchboard:Twilio:*</c>). The one place the webhooks and the REST clients ask.
/// The organizations' accounts are read together and kept decrypted in memory for <see cref="Freshness"/> (wall-clock
/// time), so that a webhook costs no decryption; a change on this instance is seen at once, on another within that time.
/// </summary>
public sealed class AccountDirectory(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, IOptionsMonitor<SwitchboardOptions> options,
    ILogger<AccountDirectory> log)
{
    /// <summary>The Data Protection purpose of the accounts' secrets; another purpose cannot decrypt them.</summary>
    public const string Purpose = "Switchboard.ProviderAccounts.v1";

    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<long, ProviderCredentials> Accounts, long TakenAt);

    /// <summary>The global Twilio account, when <c>Switchboard:Twilio:AccountSid</c> and <c>AuthToken</c> are set.</summary>
    public CompatibleAccount? Global =>
        options.CurrentValue.Twilio is { AccountSid: { Length: > 0 } sid, AuthToken: { Length: > 0 } token } twilio
            ? new CompatibleAccount(sid, token, twilio.ApiBaseUrl, token)
            : null;

    public string Protect(IReadOnlyDictionary<string, string> secrets) =>
        _protector.Protect(JsonSerializer.Serialize(secrets));

    /// <summary>Forgets what was read, after a change on this instance.</summary>
    public void Invalidate() => _snapshot = null;

    /// <summary>Whether any organization has an account of its own (read synchronously once per freshness period).</summary>
    public bool AnyOrganizationAccount => (_snapshot ?? Task.Run(() => LoadAsync(CancellationToken.None)).GetAwaiter().GetResult())
        .Accounts.Count > 0;

    public async Task<IReadOnlyDictionary<long, ProviderCredentials>> AllAsync(CancellationToken ct) =>
        (_snapshot is { } s && Stopwatch.GetElapsedTime(s.TakenAt) < Freshness ? s : await LoadAsync(ct)).Accounts;

    public async Task<ProviderCredentials?> OwnAsync(long orgId, CancellationToken ct) =>
        (await AllAsync(ct)).GetValueOrDefault(orgId);

    /// <summary>
    /// The Twilio-compatible account of the organization: its own, or the global one when it has none. Null when its own
    /// is at another kind of provider or cannot be decrypted, or when there is none at all.
    /// </summary>
    public async Task<CompatibleAccount?> CompatibleForAsync(long? orgId, CancellationToken ct) =>
        orgId is { } id && await OwnAsync(id, ct) is { } own ? own.Compatible() : Global;

    /// <summary>
    /// The key that must have signed a Twilio-style webhook: that of the organization owning the call (by its id in the
    /// URL) or else the called number; the global auth token when that organization has no account of its own.
    /// </summary>
    public async Task<string?> SigningKeyAsync(long? callId, string? calledNumber, CancellationToken ct)
    {
        var global = options.CurrentValue.Twilio.AuthToken;
        var accounts = await AllAsync(ct);
        if (accounts.Count == 0)
        {
            return global;
        }

        var orgId = callId is { } id ? await OrganizationOfCallAsync(id, ct)
            : calledNumber is not null ? await OrganizationOfNumberAsync(calledNumber, ct)
            : null;
        return orgId is { } org && accounts.TryGetValue(org, out var own) ? own.Compatible()?.SigningKey : global;
    }

    public async Task<CompatibleAccount?> ForCallAsync(long callId, CancellationToken ct) =>
        await CompatibleForAsync(await WhenAnyAsync(db => db.Calls.Where(c => c.Id == callId), ct), ct);

    public async Task<CompatibleAccount?> ForCallSidAsync(string callSid, CancellationToken ct) =>
        await CompatibleForAsync(await WhenAnyAsync(db => db.Calls.Where(c => c.CallSid == callSid), ct), ct);

    public async Task<CompatibleAccount?> ForRecordingAsync(string recordingSid, CancellationToken ct)
    {
        if (!(await AllAsync(ct)).Any())
        {
            return Global;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var orgId = await db.Voicemails.AsNoTracking().Where(v => v.RecordingSid == recordingSid)
            .Select(v => (long?)v.OrganizationId).FirstOrDefaultAsync(ct);
        return await CompatibleForAsync(orgId, ct);
    }

    private async Task<long?> WhenAnyAsync(Func<SwitchboardDb, IQueryable<CallRecord>> calls, CancellationToken ct)
    {
        if (!(await AllAsync(ct)).Any())
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return await calls(db).AsNoTracking().Select(c => (long?)c.OrganizationId).FirstOrDefaultAsync(ct);
    }

    private async Task<long?> OrganizationOfCallAsync(long callId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return await db.Calls.AsNoTracking().Where(c => c.Id == callId).Select(c => (long?)c.OrganizationId).FirstOrDefaultAsync(ct);
    }

    private async Task<long?> OrganizationOfNumberAsync(string number, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return await db.Numbers.AsNoTracking().Where(n => n.Number == number).Select(n => (long?)n.OrganizationId).FirstOrDefaultAsync(ct);
    }

    private async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var rows = await db.ProviderAccounts.AsNoTracking().ToListAsync(ct);
        var snapshot = new Snapshot(rows.ToDictionary(r => r.OrganizationId, Read), Stopwatch.GetTimestamp());
        _snapshot = snapshot;
        return snapshot;
    }

    private ProviderCredentials Read(ProviderAccount row)
    {
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Settings) ?? [];
        Dictionary<string, string>? secrets;
        try
        {
            secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(_protector.Unprotect(row.ProtectedSecrets));
        }
        catch (CryptographicException e)
        {
            // The key ring that encrypted them is gone (another database's keys, a lost table): the account must be set again.
            log.LogError("The provider account of organization {OrgId} cannot be decrypted ({Error}); set it again", row.OrganizationId, e.GetType().Name);
            secrets = null;
        }

        return new ProviderCredentials(row.OrganizationId, row.Provider, settings, secrets, row.ApiBaseUrl);
    }
}
