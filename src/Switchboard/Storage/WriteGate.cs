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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<DbContext, byte> _holders = new();

    public async Task<IAsyncDisposable> EnterAsync(CancellationToken ct)
    {
        if (!serialize)
        {
            return Released.Instance;
        }

        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken ct = default)
    {
        if (serialize && eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            await _gate.WaitAsync(ct);
            _holders[context] = 0;
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (serialize && eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            _gate.Wait();
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
