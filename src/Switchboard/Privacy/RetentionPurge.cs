using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Privacy;

/// <summary>What one pass of the purge deleted, and in how many transactions.</summary>
public sealed record Purged(int MessageEvents, int LastTexts, int CallRecords)
{
    public int Batches { get; init; }
}

/// <summary>
/// Deletes each organization's texts and call records older than its <c>dataRetentionDays</c> without making calls
/// wait. Rows are found outside any transaction, walking an index on their time from where the last batch stopped
/// (never scanning again what is gone), and deleted by key in batches sized to hold the writer for about
/// <c>BatchBudget</c>; a batch enters SQLite's write gate after every write already waiting, and the purge rests
/// after each so that it works at most <c>WorkShare</c> of the time (<see cref="PurgePace"/>).
/// </summary>
public sealed class RetentionPurge(
    IServiceScopeFactory scopes,
    IOptions<SwitchboardOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<RetentionPurge> log)
    : BackgroundService
{
    private RetentionOptions Settings => options.Value.Retention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await FirstPass.WaitAsync(lifetime, clock, options.Value.Background.FirstPassDelay, stoppingToken))
        {
            return;
        }

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

            await Task.Delay(Settings.Interval, TimeProvider.System, stoppingToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass over every organization that has a retention.</summary>
    public async Task<Purged> PurgeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var organizations = await db.Organizations.AsNoTracking().Where(o => o.DataRetentionDays != null)
            .Select(o => new { o.Id, Days = o.DataRetentionDays!.Value }).ToListAsync(ct);
        if (organizations.Count == 0)
        {
            return new Purged(0, 0, 0);
        }

        // One connection for the whole pass: on SQLite its page cache stays warm from one batch to the next.
        await db.Database.OpenConnectionAsync(ct);
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var run = new Run(db, gate, new PurgePace(Settings), clock, ct);
        var recordings = scope.ServiceProvider.GetRequiredService<IRecordingEraser>();
        var total = new Purged(0, 0, 0);
        foreach (var organization in organizations)
        {
            var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-organization.Days);
            var batchesBefore = run.Batches;
            var (texts, lastTexts) = await DeleteTextsAsync(run, organization.Id, cutoff);
            var calls = await DeleteCallsAsync(run, recordings, organization.Id, cutoff);
            if (texts + lastTexts + calls > 0)
            {
                log.LogInformation(
                    "Retention: organization {OrganizationId} lost {Texts} texts, {LastTexts} last-text entries and " +
                    "{Calls} call records older than {Days} days, in {Batches} batches",
                    organization.Id, texts, lastTexts, calls, organization.Days, run.Batches - batchesBefore);
            }

            total = new Purged(total.MessageEvents + texts, total.LastTexts + lastTexts, total.CallRecords + calls);
        }

        return total with { Batches = run.Batches };
    }

    /// <summary>
    /// The organization's texts older than the cutoff, walked on their (organization, time) index, each batch with
    /// its rows in ContactTexts: the texts' own rows by key, and their contacts' latest-text rows (a group's, an
    /// agent's) that are older than the cutoff too. Any such row is a copy of an older text of the same contact, so
    /// the texts lead to every one of them without a walk of ContactTexts, which has no index on time.
    /// </summary>
    private static async Task<(int Texts, int LastTexts)> DeleteTextsAsync(Run run, long orgId, DateTime cutoff)
    {
        var lastTexts = 0;
        var texts = await run.InBatchesAsync<OldText>(
            (size, after) =>
            {
                var old = run.Db.MessageEvents.AsNoTracking()
                    .Where(m => m.OrganizationId == orgId && m.SentAt < cutoff);
                if (after is not null)
                {
                    // A lower bound on the time, so that the index is entered where the last batch stopped.
                    old = old.Where(m => m.SentAt >= after.At && (m.SentAt > after.At || m.Id > after.Id));
                }

                return old.OrderBy(m => m.SentAt).ThenBy(m => m.Id).Take(size)
                    .Select(m => new OldText(m.SentAt, m.Id, m.Contact)).ToListAsync(run.Ct);
            },
            null,
            async keys =>
            {
                var (deleted, groups) = await DeleteTextsAsync(run, orgId, cutoff, keys);
                lastTexts += groups;
                return deleted;
            });
        return (texts, lastTexts);
    }

    /// <remarks>
    /// The rows go before the texts, in one transaction: erasure finds a contact's texts through their rows, so a
    /// text must never outlive its row. A latest-text row is deleted only while it is older than the cutoff: a text
    /// that came in since moved it past the cutoff, and it stays.
    /// </remarks>
    private static async Task<(int Texts, int LastTexts)> DeleteTextsAsync(
        Run run,
        long orgId,
        DateTime cutoff,
        List<OldText> keys)
    {
        // By id alone: a stored text never changes, and with its organization and time in the condition too,
        // SQLite walked the (organization, time) index over every old row instead of looking the ids up.
        var ids = keys.Select(k => k.Id).ToList();
        var contacts = keys.Select(k => k.Contact).Distinct().ToList();
        var rows = run.Db.ContactTexts.Where(t => t.OrganizationId == orgId && contacts.Contains(t.Contact));
        await using var transaction = await run.Db.Database.BeginTransactionAsync(run.Ct);
        await rows.Where(t => t.Kind == ContactTextKind.Text && ids.Contains(t.OwnerId)).ExecuteDeleteAsync(run.Ct);
        var lastTexts = await rows.Where(t => t.Kind == ContactTextKind.Group && t.SentAt < cutoff)
            .ExecuteDeleteAsync(run.Ct);
        await rows.Where(t => t.Kind == ContactTextKind.Agent && t.SentAt < cutoff).ExecuteDeleteAsync(run.Ct);
        var texts = await run.Db.MessageEvents.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(run.Ct);
        await transaction.CommitAsync(run.Ct);
        return (texts, lastTexts);
    }

    private static Task<int> DeleteCallsAsync(Run run, IRecordingEraser recordings, long orgId, DateTime cutoff) =>
        run.InBatchesAsync<Stamped>(
            (size, after) =>
            {
                var old = run.Db.Calls.AsNoTracking().Where(c => c.OrganizationId == orgId && c.StartedAt < cutoff);
                if (after is not null)
                {
                    old = old.Where(c => c.StartedAt >= after.At && (c.StartedAt > after.At || c.Id > after.Id));
                }

                return old.OrderBy(c => c.StartedAt).ThenBy(c => c.Id).Take(size)
                    .Select(c => new Stamped(c.StartedAt, c.Id)).ToListAsync(run.Ct);
            },
            // Recordings go first, at the provider too, outside the writer's turn: it may take a round trip each.
            keys => recordings.EraseAsync(orgId, [.. keys.Select(k => k.Id)], run.Ct),
            async keys =>
            {
                var ids = keys.Select(k => k.Id).ToList();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await DeleteCallsAsync(run.Db, ids, run.Ct);
                    }
                    catch (DbUpdateConcurrencyException) when (attempt < 5)
                    {
                        // The reconciler (or a late callback) changed one of these calls meanwhile: read them again.
                        run.Db.ChangeTracker.Clear();
                    }
                }
            });

    private static async Task<int> DeleteCallsAsync(SwitchboardDb db, List<long> ids, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<CallStatusEvent>().Where(s => ids.Contains(s.CallId)).ExecuteDeleteAsync(ct);
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

    /// <summary>A row's place in an index on (organization, time): its time, then its id.</summary>
    private sealed record Stamped(DateTime At, long Id);

    /// <summary>An old text's place in the (organization, time) index, and whose it is.</summary>
    private sealed record OldText(DateTime At, long Id, string Contact);

    private sealed class Run(SwitchboardDb db, WriteGate gate, PurgePace pace, TimeProvider clock, CancellationToken ct)
    {
        public SwitchboardDb Db => db;

        public CancellationToken Ct => ct;

        public int Batches { get; private set; }

        /// <summary>
        /// Finds up to a batch of keys after the last batch's last one, outside any transaction (a reader never waits
        /// on SQLite in WAL mode), deletes them in the writer's turn, and rests; until fewer than asked are found.
        /// </summary>
        public async Task<int> InBatchesAsync<TKey>(
            Func<int, TKey?, Task<List<TKey>>> find,
            Func<List<TKey>, Task<int>>? before,
            Func<List<TKey>, Task<int>> delete)
            where TKey : class
        {
            var total = 0;
            TKey? after = null;
            while (true)
            {
                var started = clock.GetTimestamp();
                var asked = pace.BatchSize;
                var keys = await find(asked, after);
                if (keys.Count == 0)
                {
                    return total;
                }

                if (before is not null)
                {
                    await before(keys);
                }

                TimeSpan holding;
                await using (await gate.EnterLastAsync(ct))
                {
                    var entered = clock.GetTimestamp();
                    total += await delete(keys);
                    holding = clock.GetElapsedTime(entered);
                }

                Batches++;
                await CheckpointAsync();
                var rest = pace.After(keys.Count, holding, clock.GetElapsedTime(started));
                if (keys.Count < asked)
                {
                    return total;
                }

                after = keys[^1];
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, clock, ct);
                }
            }
        }

        /// <summary>
        /// SQLite: copies the batch's pages from the write-ahead log into the database now, while no one waits for it.
        /// Left to SQLite, the commit that grows the log past its limit does it, and that may be a call's own write.
        /// </summary>
        private async Task CheckpointAsync()
        {
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", ct);
            }
        }
    }
}
