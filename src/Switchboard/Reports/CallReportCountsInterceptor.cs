using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Calls;
using Switchboard.Storage;

namespace Switchboard.Reports;

public static class CallReportSetup
{
    /// <summary>Every save that adds, changes or removes an inbound call record keeps the report's counts with
    /// it, and so does the routing's store of new records; a background pass folds their day rows into months.
    /// </summary>
    public static IServiceCollection AddCallReportCounts(this IServiceCollection services) =>
        services.AddSingleton<ReportDaySlots>()
            .AddSingleton<ISaveChangesInterceptor, CallReportCountsInterceptor>()
            .AddSingleton<IWrittenWithNewCalls, NewCallCounts>()
            .AddHostedService<CallReportFold>();
}

/// <summary>New call records stored by routing, without the change tracker, are counted in their transaction.</summary>
internal sealed class NewCallCounts(ReportDaySlots slots) : IWrittenWithNewCalls
{
    public Task WriteAsync(SwitchboardDb db, IReadOnlyCollection<CallRecord> calls, CancellationToken ct) =>
        CountChanges.OfNew(calls).ApplyAsync(db, slots.Writer(db), ct);
}

/// <summary>
/// Keeps <see cref="CallReportDay"/> in the transaction of the change of the call records, as the events outbox is:
/// a save whose calls count differently takes the write gate and a transaction when it has none, adds the differences
/// before the calls are written, and commits after them; a save that fails (a concurrent change of the call, a
/// repeated CallSid) rolls the counts back with it. A save that changes no count (a status of a leg) costs a look
/// over the tracked calls. Each save counts in a slot of its own until its transaction ends
/// (<see cref="ReportDaySlots"/>).
/// </summary>
internal sealed class CallReportCountsInterceptor(WriteGate gate, ReportDaySlots slots) : SaveChangesInterceptor
{
    private readonly ConcurrentDictionary<DbContext, Counting> _saving = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (eventData.Context is not SwitchboardDb db)
        {
            return result;
        }

        if (_saving.TryGetValue(db, out var outer))
        {
            // A save made while this one is saved (the audit trail's entries): it belongs to the same transaction.
            outer.Nested++;
            return result;
        }

        var changes = CountChanges.Of(db.ChangeTracker.Entries<CallRecord>());
        if (changes.IsEmpty)
        {
            return result;
        }

        var counting = new Counting();
        _saving[db] = counting;
        try
        {
            if (db.Database.CurrentTransaction is null)
            {
                counting.Writer = await gate.EnterAsync(ct);
                counting.Transaction = await db.Database.BeginTransactionAsync(ct);
            }

            counting.Lease = slots.Take(db, ownTransaction: counting.Transaction is not null);
            await changes.ApplyAsync(db, counting.Lease.Slot, ct);
        }
        catch
        {
            await EndAsync(db);
            throw;
        }

        return result;
    }

    /// <summary>Calls are saved asynchronously only (nothing here saves them synchronously).</summary>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData,
        InterceptionResult<int> result) =>
        eventData.Context is SwitchboardDb db && !_saving.ContainsKey(db)
            && !CountChanges.Of(db.ChangeTracker.Entries<CallRecord>()).IsEmpty
            ? throw new InvalidOperationException("Call records must be saved with SaveChangesAsync.")
            : result;

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context is not { } db || !_saving.TryGetValue(db, out var counting))
        {
            return result;
        }

        if (counting.Nested > 0)
        {
            counting.Nested--;
            return result;
        }

        _saving.TryRemove(db, out _);
        try
        {
            if (counting.Transaction is { } transaction)
            {
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await counting.DisposeAsync();
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData,
        CancellationToken ct = default) =>
        await EndAsync(eventData.Context);

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken ct = default) =>
        await EndAsync(eventData.Context);

    public override async ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken ct = default)
    {
        await EndAsync(eventData.Context);
        return result;
    }

    /// <summary>The save did not go through: the counts it added are rolled back with it.</summary>
    private async Task EndAsync(DbContext? context)
    {
        if (context is not null && _saving.TryGetValue(context, out var counting))
        {
            if (counting.Nested > 0)
            {
                counting.Nested--;
                return;
            }

            _saving.TryRemove(context, out _);
            await counting.DisposeAsync();
        }
    }

    private sealed class Counting : IAsyncDisposable
    {
        public int Nested { get; set; }
        public IAsyncDisposable? Writer { get; set; }
        public IDbContextTransaction? Transaction { get; set; }
        public ReportDaySlots.Lease? Lease { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Transaction is not null)
            {
                await Transaction.DisposeAsync();
            }

            Lease?.Dispose();
            if (Writer is not null)
            {
                await Writer.DisposeAsync();
            }
        }
    }
}
