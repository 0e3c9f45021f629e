using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Switchboard.Storage;

/// <summary>
/// SQLite admits one writer at a time, and Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms
/// before it retries: under load, writers that collide spend their time asleep. So on SQLite, writers of
/// this process queue here instead (every <c>SaveChanges</c>, and explicit write transactions through
/// <see cref="EnterAsync"/>). PostgreSQL handles concurrent writers itself: there the gate stays open.
/// </summary>
public sealed class WriteGate(bool serialize) : SaveChangesInterceptor
{
    /// <summary>How many times in a row <see cref="EnterLastAsync"/> lets others go first.</summary>
    public const int MostGivenWay = 64;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<DbContext, byte> _holders = new();
    private int _waiting;

    public async Task<IAsyncDisposable> EnterAsync(CancellationToken ct)
    {
        if (!serialize)
        {
            return Released.Instance;
        }

        await WaitAsync(ct);
        return new Release(_gate);
    }

    /// <summary>
    /// Enters after every writer that waits for the gate when it is this one's turn: background work (the retention
    /// purge) never makes a call's write wait behind it in the queue. It gives way at most <see cref="MostGivenWay"/>
    /// times in a row, so that it still gets a turn under a constant stream of writes.
    /// </summary>
    public async Task<IAsyncDisposable> EnterLastAsync(CancellationToken ct)
    {
        if (!serialize)
        {
            return Released.Instance;
        }

        for (var givenWay = 0; ; givenWay++)
        {
            await _gate.WaitAsync(ct);
            if (Volatile.Read(ref _waiting) == 0 || givenWay == MostGivenWay)
            {
                return new Release(_gate);
            }

            _gate.Release();
            await Task.Yield();
        }
    }

    private async Task WaitAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken ct = default)
    {
        if (serialize && eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            await WaitAsync(ct);
            _holders[context] = 0;
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (serialize && eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                _gate.Wait();
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }

            _holders[context] = 0;
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData,
        int result,
        CancellationToken ct = default)
    {
        Exit(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Exit(eventData.Context);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        Exit(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Exit(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken ct = default)
    {
        Exit(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Exit(eventData.Context);

    // A concurrency conflict (a call changed by another request first) ends SaveChanges without SaveChangesFailed:
    // without these, the gate stayed taken and every later writer of the process waited for ever.
    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData,
        InterceptionResult result,
        CancellationToken ct = default)
    {
        Exit(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult ThrowingConcurrencyException(
        ConcurrencyExceptionEventData eventData,
        InterceptionResult result)
    {
        Exit(eventData.Context);
        return result;
    }

    private void Exit(DbContext? context)
    {
        if (context is not null && _holders.TryRemove(context, out _))
        {
            _gate.Release();
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class Released : IAsyncDisposable
    {
        public static readonly Released Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
