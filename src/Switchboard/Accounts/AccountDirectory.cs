using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Storage;

namespace Switchboard.Accounts;

/// <summary>
/// Which provider account speaks for an organization, a number, a call or a recording: the organization's own, or,
/// when it has none, the global one (<c>Providers/ProviderCredentials.cs</c> decides, and is the one place the
/// edges ask).
/// The organizations' accounts are read together and kept decrypted in memory for <see cref="Freshness"/> (wall-clock
/// time), so that a webhook costs no decryption; a change on this instance is seen at once, on another within that
/// time.
/// </summary>
public sealed class AccountDirectory(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, ILogger<AccountDirectory> log)
{
    /// <summary>The Data Protection purpose of the accounts' secrets; another purpose cannot decrypt them.</summary>
    public const string Purpose = "Switchboard.ProviderAccounts.v1";

    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<long, OrganizationAccount> Accounts, long TakenAt);

    public string Protect(IReadOnlyDictionary<string, string> secrets) =>
        _protector.Protect(JsonSerializer.Serialize(secrets));

    /// <summary>Forgets what was read, after a change on this instance.</summary>
    public void Invalidate() => _snapshot = null;

    /// <summary>
    /// Whether any organization has an account of its own (read synchronously once per freshness period).
    /// </summary>
    public bool AnyOrganizationAccount =>
        (_snapshot ?? Task.Run(() => LoadAsync(CancellationToken.None)).GetAwaiter().GetResult())
            .Accounts.Count > 0;

    public async Task<IReadOnlyDictionary<long, OrganizationAccount>> AllAsync(CancellationToken ct) =>
        (_snapshot is { } s && Stopwatch.GetElapsedTime(s.TakenAt) < Freshness ? s : await LoadAsync(ct)).Accounts;

    public async Task<OrganizationAccount?> OwnAsync(long orgId, CancellationToken ct) =>
        (await AllAsync(ct)).GetValueOrDefault(orgId);

    /// <summary>
    /// The own account of the organization owning a webhook's call (by its id in the URL) or else its called number;
    /// null when that organization has none (the global account then speaks for it).
    /// </summary>
    public async Task<OrganizationAccount?> OwnForWebhookAsync(long? callId, string? calledNumber, CancellationToken ct)
    {
        var accounts = await AllAsync(ct);
        if (accounts.Count == 0)
        {
            return null;
        }

        var orgId = callId is { } id ? await OrganizationOfCallAsync(id, ct)
            : calledNumber is not null ? await OrganizationOfNumberAsync(calledNumber, ct)
            : null;
        return orgId is { } org ? accounts.GetValueOrDefault(org) : null;
    }

    public async Task<OrganizationAccount?> OwnForCallAsync(long callId, CancellationToken ct) =>
        await OwnOfAsync(await WhenAnyAsync(db => db.Calls.Where(c => c.Id == callId), ct), ct);

    public async Task<OrganizationAccount?> OwnForCallSidAsync(string callSid, CancellationToken ct) =>
        await OwnOfAsync(await WhenAnyAsync(db => db.Calls.Where(c => c.CallSid == callSid), ct), ct);

    private async Task<OrganizationAccount?> OwnOfAsync(long? orgId, CancellationToken ct) =>
        orgId is { } id ? await OwnAsync(id, ct) : null;

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
        return await db.Calls.AsNoTracking()
            .Where(c => c.Id == callId)
            .Select(c => (long?)c.OrganizationId)
            .FirstOrDefaultAsync(ct);
    }

    private async Task<long?> OrganizationOfNumberAsync(string number, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return await db.Numbers.AsNoTracking()
            .Where(n => n.Number == number)
            .Select(n => (long?)n.OrganizationId)
            .FirstOrDefaultAsync(ct);
    }

    private async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var rows = await ReadRowsAsync(db, ct);
        var snapshot = new Snapshot(rows.ToDictionary(r => r.OrganizationId, Read), Stopwatch.GetTimestamp());
        _snapshot = snapshot;
        return snapshot;
    }

    /// <summary>
    /// Every organization's account, read with a plain statement: a start's first call reads them, and as the
    /// process's first LINQ query this would set up EF's query pipeline before the call is answered (~0.2 s of CPU;
    /// the key ring is read so too, see <see cref="KeyRingTable"/>).
    /// </summary>
    private static async Task<List<ProviderAccount>> ReadRowsAsync(SwitchboardDb db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = """
                SELECT "OrganizationId", "Provider", "Settings", "ProtectedSecrets", "SecretHints", "ApiBaseUrl"
                FROM "ProviderAccounts"
                """;
            await using var row = await command.ExecuteReaderAsync(ct);
            var rows = new List<ProviderAccount>();
            while (await row.ReadAsync(ct))
            {
                rows.Add(new ProviderAccount
                {
                    OrganizationId = row.GetInt64(0),
                    Provider = row.GetString(1),
                    Settings = row.GetString(2),
                    ProtectedSecrets = row.GetString(3),
                    SecretHints = row.GetString(4),
                    ApiBaseUrl = row.IsDBNull(5) ? null : row.GetString(5),
                });
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private OrganizationAccount Read(ProviderAccount row)
    {
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Settings) ?? [];
        Dictionary<string, string>? secrets;
        try
        {
            secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(
                _protector.Unprotect(row.ProtectedSecrets));
        }
        catch (CryptographicException e)
        {
            // The key ring that encrypted them is gone (another database's keys, a lost table): the account must be set
            // again.
            log.LogError(
                "The provider account of organization {OrgId} cannot be decrypted ({Error}); set it again",
                row.OrganizationId,
                e.GetType().Name);
            secrets = null;
        }

        return new OrganizationAccount(row.OrganizationId, row.Provider, settings, secrets, row.ApiBaseUrl);
    }
}
