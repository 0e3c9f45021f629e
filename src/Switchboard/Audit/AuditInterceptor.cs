using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Storage;

namespace Switchboard.Audit;

public static class AuditSetup
{
    /// <summary>Every save of the database records who changed what an admin configures.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services) => services
        .AddHttpContextAccessor()
        .AddSingleton<AuditTrail>()
        .AddSingleton<ISaveChangesInterceptor, AuditInterceptor>();
}

/// <summary>
/// Adds an audit entry for each change to what admins configure (<see cref="AuditTrail"/>), in the transaction of
/// the change itself: a save with audited changes takes the write gate and a transaction when it has none, saves,
/// adds the entries, saves them, and commits. A save that touches nothing audited (calls, events) costs one look
/// over the tracked entries, changes being detected once as before.
/// </summary>
internal sealed class AuditInterceptor(AuditTrail trail, WriteGate gate) : SaveChangesInterceptor
{
    private readonly ConcurrentDictionary<DbContext, Audited> _saving = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken ct = default)
    {
        if (eventData.Context is not SwitchboardDb db)
        {
            return result;
        }

        // Changes are detected once, here: EF would detect them again before saving, and Entries() once more.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        if (detect)
        {
            db.ChangeTracker.DetectChanges();
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var audited = new Audited(detect);
        _saving[db] = audited;
        try
        {
            audited.Changes = AuditTrail.Collect(db.ChangeTracker.Entries());
            if (audited.Changes.Count == 0)
            {
                return result;
            }

            if (db.Database.CurrentTransaction is null)
            {
                // Code that holds the write gate always holds a transaction too, so the gate is entered only when there
                // is none.
                audited.Writer = await gate.EnterAsync(ct);
                audited.Transaction = await db.Database.BeginTransactionAsync(ct);
            }

            audited.Actor = await trail.ActorAsync(db, ct);
        }
        catch
        {
            await EndAsync(db);
            throw;
        }

        return result;
    }

    /// <summary>Audited changes are saved asynchronously only (nothing here saves synchronously).</summary>
    public override InterceptionResult<int> SavingChanges(
        DbContextEventData eventData,
        InterceptionResult<int> result) =>
        eventData.Context is SwitchboardDb db && AuditTrail.Collect(db.ChangeTracker.Entries()).Count > 0
            ? throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.")
            : result;

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData,
        int result,
        CancellationToken ct = default)
    {
        if (eventData.Context is not SwitchboardDb db || !_saving.TryRemove(db, out var audited))
        {
            return result;
        }

        try
        {
            if (audited.Changes.Count > 0)
            {
                db.AuditEntries.AddRange(
                    audited.Changes.Select(c => trail.EntryFor(c, audited.Actor!)).OfType<AuditEntry>());
                await db.SaveChangesAsync(true, ct);
                if (audited.Transaction is { } transaction)
                {
                    await transaction.CommitAsync(ct);
                }
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = audited.Detect;
            await audited.DisposeAsync();
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(
        DbContextErrorEventData eventData,
        CancellationToken ct = default) =>
        await EndAsync(eventData.Context);

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken ct = default) =>
        await EndAsync(eventData.Context);

    public override async ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData,
        InterceptionResult result,
        CancellationToken ct = default)
    {
        await EndAsync(eventData.Context);
        return result;
    }

    /// <summary>The save did not go through: nothing of it, and no entry, is committed.</summary>
    private async Task EndAsync(DbContext? context)
    {
        if (context is not null && _saving.TryRemove(context, out var audited))
        {
            context.ChangeTracker.AutoDetectChangesEnabled = audited.Detect;
            await audited.DisposeAsync();
        }
    }

    private sealed class Audited(bool detect) : IAsyncDisposable
    {
        public bool Detect => detect;
        public List<PendingChange> Changes { get; set; } = [];
        public AuditActor? Actor { get; set; }
        public IAsyncDisposable? Writer { get; set; }
        public IDbContextTransaction? Transaction { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Transaction is not null)
            {
                await Transaction.DisposeAsync();
            }

            if (Writer is not null)
            {
                await Writer.DisposeAsync();
            }
        }
    }
}
