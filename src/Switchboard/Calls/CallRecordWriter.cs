using System.Threading.Channels;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// Group commit for new call records: a call's answer waits until its record is stored, but the records
/// of calls arriving together are stored in one transaction. One commit per call would cap routing at the
/// database's commit rate (on SQLite, one writer at a time).
/// </summary>
public sealed class CallRecordWriter(IServiceScopeFactory scopes, ILogger<CallRecordWriter> log) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Stores the record; when this returns, the record has its id and is committed.</summary>
    public async Task SaveAsync(CallRecord call, CancellationToken ct)
    {
        var pending = new Pending(call, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        await pending.Stored.Task.WaitAsync(ct);
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
    }

    private async Task StoreAsync(List<Pending> batch, CancellationToken ct)
    {
        try
        {
            await SaveAsync(batch.Select(p => p.Call), ct);
            batch.ForEach(p => p.Stored.TrySetResult());
        }
        catch (Exception e) when (batch.Count > 1 && e is not OperationCanceledException)
        {
            // One record that cannot be stored (a provider retry racing its first request) must not fail the
            // others: store them one by one, so each caller hears about its own record only.
            foreach (var pending in batch)
            {
                try
                {
                    await SaveAsync([pending.Call], ct);
                    pending.Stored.TrySetResult();
                }
                catch (Exception one)
                {
                    pending.Stored.TrySetException(one);
                }
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not store {Count} call record(s)", batch.Count);
            batch.ForEach(p => p.Stored.TrySetException(e));
        }
    }

    private async Task SaveAsync(IEnumerable<CallRecord> calls, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        db.Calls.AddRange(calls);
        await db.SaveChangesAsync(ct);
    }

    private sealed record Pending(CallRecord Call, TaskCompletionSource Stored);
}
