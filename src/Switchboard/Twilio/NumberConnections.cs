using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Accounts;
using Switchboard.Providers;
using Switchboard.Storage;

namespace Switchboard.Twilio;

/// <summary>
/// Whether each number's configuration at its organization's provider sends its calls to Switchboard: checked when
/// the number is added (and connected then), on demand, and by <see cref="NumberConnectionPass"/>. A provider that
/// refuses or cannot be reached leaves the number <c>unknown</c>, with the reason; it never stops anything else.
/// </summary>
public sealed class NumberConnections(
    SwitchboardDb db,
    AccountDirectory accounts,
    ProviderCredentials credentials,
    TwilioNumbers twilio,
    ITelnyxNumbers telnyx,
    IBandwidthNumbers bandwidth,
    CallbackUrls urls,
    PhoneNormalizer phones,
    TimeProvider clock)
{
    /// <summary>
    /// Looks the number up at the provider (and with <paramref name="connect"/>, points it here) and keeps what was
    /// found.
    /// </summary>
    public async Task<Answer<NumberConnection>> RunAsync(long orgId, string number, bool connect, CancellationToken ct)
    {
        if (!phones.TryNormalize(number, out var e164)
            || !await db.Numbers.AnyAsync(n => n.Number == e164 && n.OrganizationId == orgId, ct))
        {
            return new Refusal.Missing("number");
        }

        return await StoreAsync(e164, await CheckAsync(orgId, e164, connect, ct), ct);
    }

    /// <summary>Every number of every organization, oldest check first; returns how many were checked.</summary>
    public async Task<int> CheckAllAsync(DateTime checkedBefore, int batch, CancellationToken ct)
    {
        var due = await (
            from n in db.Numbers.AsNoTracking()
            join c in db.NumberConnections.AsNoTracking() on n.Number equals c.Number into checks
            from c in checks.DefaultIfEmpty()
            where c == null || c.CheckedAt < checkedBefore
            orderby c == null ? DateTime.MinValue : c.CheckedAt
            select new { n.Number, n.OrganizationId }).Take(batch).ToListAsync(ct);
        foreach (var number in due)
        {
            await StoreAsync(
                number.Number,
                await CheckAsync(number.OrganizationId, number.Number, connect: false, ct),
                ct);
        }

        return due.Count;
    }

    private async Task<NumberCheck> CheckAsync(long orgId, string number, bool connect, CancellationToken ct)
    {
        // Every provider is given Switchboard's URLs: without the public base URL there is nothing to compare or set.
        if (!urls.Known)
        {
            return new NumberCheck(
                NumberConnectionState.Unknown,
                "Switchboard's public URL (Switchboard:Twilio:PublicBaseUrl) is not set");
        }

        var own = await accounts.OwnAsync(orgId, ct);
        if (own is not null && credentials.OwnTelnyx(own) is { ApiKey.Length: > 0, ApplicationId.Length: > 0 } mine)
        {
            return await telnyx.CheckAsync(mine, guarded: true, number, connect, ct);
        }

        if (own is null && credentials.OutboundProvider() == Provider.Telnyx
            && credentials.Telnyx() is { ApiKey.Length: > 0, ApplicationId.Length: > 0 } global)
        {
            return await telnyx.CheckAsync(global, guarded: false, number, connect, ct);
        }

        if (own is not null && credentials.OwnBandwidth(own) is { } myBandwidth)
        {
            return await bandwidth.CheckAsync(myBandwidth, guarded: true, number, connect, ct);
        }

        if (own is null && credentials.OutboundProvider() == Provider.Bandwidth)
        {
            return await bandwidth.CheckAsync(credentials.Bandwidth(), guarded: false, number, connect, ct);
        }

        if (own is not null && own.Compatible() is null)
        {
            return new NumberCheck(NumberConnectionState.Unknown, own.Secrets is null
                ? "the organization's account cannot be decrypted: set it again"
                : $"numbers at {own.Provider} are not checked by Switchboard yet: " +
                    "point them at it in the provider's console");
        }

        if ((own?.Compatible() ?? credentials.TwilioAccount()) is not { } account)
        {
            return new NumberCheck(NumberConnectionState.Unknown, "no provider account is configured");
        }

        return await twilio.CheckAsync(account, number, connect, ct);
    }

    private async Task<NumberConnection> StoreAsync(string number, NumberCheck check, CancellationToken ct)
    {
        var row = await db.NumberConnections.FirstOrDefaultAsync(c => c.Number == number, ct);
        if (row is null)
        {
            if (!await db.Numbers.AnyAsync(n => n.Number == number, ct))
            {
                // Removed while the provider was asked.
                return new NumberConnection { Number = number, State = check.State, Reason = check.Reason };
            }

            row = new NumberConnection { Number = number };
            db.NumberConnections.Add(row);
        }

        row.State = check.State;
        row.Reason = check.State == NumberConnectionState.Unknown ? check.Reason : null;
        row.CheckedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The number was removed meanwhile, or another instance stored its check first: nothing to keep.
            db.ChangeTracker.Clear();
        }

        return row;
    }
}

/// <summary>
/// A number's check at Telnyx (<c>Telnyx/TelnyxNumbers.cs</c>), seen through this interface because Telnyx/ builds
/// on this folder and not the other way round.
/// </summary>
public interface ITelnyxNumbers
{
    Task<NumberCheck> CheckAsync(
        TelnyxOptions telnyx, bool guarded, string number, bool connect, CancellationToken ct);
}

/// <summary>
/// A number's check at Bandwidth (<c>Bandwidth/BandwidthNumbers.cs</c>), seen through this interface for the same
/// reason.
/// </summary>
public interface IBandwidthNumbers
{
    Task<NumberCheck> CheckAsync(
        BandwidthOptions bandwidth, bool guarded, string number, bool connect, CancellationToken ct);
}

/// <summary>
/// Checks every number's configuration at its provider at least every
/// <see cref="ProvidersOptions.ConnectionCheckInterval"/>.
/// </summary>
public sealed class NumberConnectionPass(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<SwitchboardOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<NumberConnectionPass> log)
    : BackgroundService
{
    private const int Batch = 100;

    private TimeSpan Interval => options.Value.Providers.ConnectionCheckInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await FirstPass.WaitAsync(lifetime, clock, options.Value.Background.FirstPassDelay, stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval / 6, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("The numbers' connection check failed: {Error}; trying again later", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: every number last checked more than an interval ago, in batches.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var checkedBefore = clock.GetUtcNow().UtcDateTime - Interval;
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var checkedNow = await scope.ServiceProvider.GetRequiredService<NumberConnections>()
                .CheckAllAsync(checkedBefore, Batch, ct);
            total += checkedNow;
            if (checkedNow < Batch)
            {
                return total;
            }
        }
    }
}
