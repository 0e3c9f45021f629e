using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// Group commit for new call records: a call's answer waits until its record is stored, but the records
/// of calls arriving together are stored in one transaction. One commit per call would cap routing at the
/// database's commit rate (on SQLite, one writer at a time). The writer keeps one context and connection
/// while they work, so SQLite's page cache for the call tables stays warm between batches, and stores the records
/// with <see cref="RowInserter"/> rather than EF Core's change tracker, which cost more than the rest of the call.
/// </summary>
public sealed class CallRecordWriter(
    IServiceScopeFactory scopes,
    WriteGate gate,
    IEnumerable<IWrittenWithNewCalls> alongside,
    ILogger<CallRecordWriter> log) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private AsyncServiceScope? _scope;
    private RowInserter? _rows;

    /// <summary>
    /// Stores the record; when this returns true, the record has its id and is committed. False: a call with
    /// the same CallSid is stored already (a provider retry), and this record was not stored. Cancelled (the
    /// webhook's budget is over, the caller hears the fallback): the record is dropped unless its batch was
    /// already being stored.
    /// </summary>
    public async Task<bool> SaveAsync(CallRecord call, CancellationToken ct)
    {
        var pending = new Pending(
            call,
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously),
            ct);
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Stored.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await StoreAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Stored.TrySetCanceled(stoppingToken);
            }
        }
        finally
        {
            await ForgetSessionAsync();
        }
    }

    private async Task StoreAsync(List<Pending> batch, CancellationToken ct)
    {
        // The same CallSid twice in one batch: the first is stored, the others are repeats of it.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fresh = new List<Pending>(batch.Count);
        var repeats = new List<Pending>();
        foreach (var pending in batch)
        {
            if (pending.Abandoned.IsCancellationRequested)
            {
                // The caller was answered without this record (e.g. while the database did not answer): storing
                // it now would log a decision nobody heard.
                pending.Stored.TrySetCanceled(pending.Abandoned);
                continue;
            }

            (seen.Add(pending.Call.CallSid) ? fresh : repeats).Add(pending);
        }

        try
        {
            repeats.AddRange(await InsertAsync(fresh, ct));
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // A kept connection that died with the database (a restart): on a fresh connection, store the calls
            // again. A record the first try did store shows up as a repeat, so nothing is stored twice.
            try
            {
                await ForgetSessionAsync();
                fresh.Where(p => p.Abandoned.IsCancellationRequested)
                    .ToList()
                    .ForEach(p => p.Stored.TrySetCanceled(p.Abandoned));
                fresh.RemoveAll(p => p.Abandoned.IsCancellationRequested);
                repeats.AddRange(await InsertAsync(fresh, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await FailAsync(batch, e);
                return;
            }
        }

        fresh.Except(repeats).ToList().ForEach(p => p.Stored.TrySetResult(true));
        repeats.ForEach(p => p.Stored.TrySetResult(false));
    }

    private async Task FailAsync(List<Pending> batch, Exception e)
    {
        log.LogWarning(e, "Could not store {Count} call record(s)", batch.Count);
        batch.ForEach(p => p.Stored.TrySetException(e));
        await ForgetSessionAsync();
    }

    /// <summary>
    /// Stores the calls, their events and what they add to the report's counts in one transaction; returns those
    /// whose CallSid was stored already (provider retries, or another instance's).
    /// </summary>
    private async Task<List<Pending>> InsertAsync(List<Pending> calls, CancellationToken ct)
    {
        if (calls.Count == 0)
        {
            return [];
        }

        var (db, rows) = await SessionAsync(ct);
        await using var writing = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stored = (await rows.InsertAsync(db, calls.Select(p => p.Call).ToList(), ct)).ToHashSet();
        foreach (var also in alongside)
        {
            await also.WriteAsync(db, stored, ct);
        }

        await transaction.CommitAsync(ct);
        return calls.Where(p => !stored.Contains(p.Call)).ToList();
    }

    private async Task<(SwitchboardDb Db, RowInserter Rows)> SessionAsync(CancellationToken ct)
    {
        if (_scope is { } scope && _rows is { } rows)
        {
            return (scope.ServiceProvider.GetRequiredService<SwitchboardDb>(), rows);
        }

        var fresh = scopes.CreateAsyncScope();
        var db = fresh.ServiceProvider.GetRequiredService<SwitchboardDb>();
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-32768;", ct);
            }
        }
        catch
        {
            await fresh.DisposeAsync();
            throw;
        }

        _scope = fresh;
        _rows = RowInserter.On(db);
        return (db, _rows);
    }

    /// <summary>After a failure the connection may be broken: the next batch starts on a new one.</summary>
    private async Task ForgetSessionAsync()
    {
        if (_scope is { } scope)
        {
            _scope = null;
            _rows = null;
            await scope.DisposeAsync();
        }
    }

    private sealed record Pending(CallRecord Call, TaskCompletionSource<bool> Stored, CancellationToken Abandoned);
}

/// <summary>
/// What a feature writes in the transaction that stores new call records (the report's counts): the records go in
/// without EF Core's change tracker, so its save interceptors do not see them.
/// </summary>
public interface IWrittenWithNewCalls
{
    Task WriteAsync(SwitchboardDb db, IReadOnlyCollection<CallRecord> calls, CancellationToken ct);
}
