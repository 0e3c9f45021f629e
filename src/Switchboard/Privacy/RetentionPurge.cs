using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Storage;

namespace Switchboard.Privacy;

/// <summary>What one pass of the purge deleted.</summary>
public sealed record Purged(int MessageEvents, int LastTexts, int CallRecords);

/// <summary>
/// Deletes each organization's texts and call records older than its <c>dataRetentionDays</c>. It works in small
/// batches, each its own short transaction with a pause after it, so that calls being routed and stored meanwhile
/// never wait long behind it (on SQLite the write lock is held for one batch only).
/// </summary>
public sealed class RetentionPurge(IServiceScopeFactory scopes, IOptions<SwitchboardOptions> options, TimeProvider clock, ILogger<RetentionPurge> log)
    : BackgroundService
{
    private RetentionOptions Settings => options.Value.Retention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "The retention purge stopped; it starts again at its next interval");
            }

            await Task.Delay(Settings.Interval, TimeProvider.System, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass over every organization that has a retention.</summary>
    public async Task<Purged> PurgeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var recordings = scope.ServiceProvider.GetRequiredService<IRecordingEraser>();
        var organizations = await db.Organizations.AsNoTracking().Where(o => o.DataRetentionDays != null)
            .Select(o => new { o.Id, Days = o.DataRetentionDays!.Value }).ToListAsync(ct);
        var total = new Purged(0, 0, 0);
        foreach (var organization in organizations)
        {
            var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-organization.Days);
            var texts = await InBatchesAsync(gate, ct, () => db.MessageEvents
                .Where(m => m.OrganizationId == organization.Id && m.SentAt < cutoff).OrderBy(m => m.Id).Take(Settings.BatchSize).ExecuteDeleteAsync(ct));
            var lastTexts = await InBatchesAsync(gate, ct, () => db.LastTexts
                .Where(t => t.SentAt < cutoff && db.Groups.Any(g => g.Id == t.GroupId && g.OrganizationId == organization.Id))
                .OrderBy(t => t.GroupId).Take(Settings.BatchSize).ExecuteDeleteAsync(ct));
            var calls = await InBatchesAsync(gate, ct, () => DeleteCallsAsync(db, recordings, organization.Id, cutoff, ct));
            if (texts + lastTexts + calls > 0)
            {
                log.LogInformation("Retention: organization {OrganizationId} lost {Texts} texts, {LastTexts} last-text entries and {Calls} call records older than {Days} days",
                    organization.Id, texts, lastTexts, calls, organization.Days);
            }

            total = new Purged(total.MessageEvents + texts, total.LastTexts + lastTexts, total.CallRecords + calls);
        }

        return total;
    }

    private async Task<int> DeleteCallsAsync(SwitchboardDb db, IRecordingEraser recordings, long orgId, DateTime cutoff, CancellationToken ct)
    {
        var ids = await db.Calls.Where(c => c.OrganizationId == orgId && c.StartedAt < cutoff)
            .OrderBy(c => c.Id).Select(c => c.Id).Take(Settings.BatchSize).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        await recordings.EraseAsync(orgId, ids, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DeleteCallsAsync(db, ids, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // The reconciler (or a late callback) changed one of these calls meanwhile: read them again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<int> DeleteCallsAsync(SwitchboardDb db, List<long> ids, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<Switchboard.Calls.CallStatusEvent>().Where(s => ids.Contains(s.CallId)).ExecuteDeleteAsync(ct);
        await db.CallEvents.Where(e => ids.Contains(e.CallId)).ExecuteDeleteAsync(ct);
        // Removed through the change tracker, not in bulk, so that the report's counts lose these calls in the same
        // transaction (Reports/CallReportCountsInterceptor).
        var calls = await db.Calls.Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        db.Calls.RemoveRange(calls);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await transaction.CommitAsync(ct);
        return calls.Count;
    }

    /// <summary>Runs the batch until it deletes nothing more, holding the write gate for one batch at a time and pausing between.</summary>
    private async Task<int> InBatchesAsync(WriteGate gate, CancellationToken ct, Func<Task<int>> batch)
    {
        var total = 0;
        while (true)
        {
            int deleted;
            await using (await gate.EnterAsync(ct))
            {
                deleted = await batch();
            }

            total += deleted;
            if (deleted < Settings.BatchSize)
            {
                return total;
            }

            await Task.Delay(Settings.Pause, TimeProvider.System, ct);
        }
    }
}
