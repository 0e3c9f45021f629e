using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Reports;

/// <summary>
/// Which of a key's rows of a day (<see cref="CallReportDay.Slot"/>) a transaction adds its counts to. Every call of
/// an organization's day counts for the same inbox row (or "no inbox"), and a transaction holds the rows it wrote until
/// it commits: on PostgreSQL, where an instance's webhooks and other instances write at once, one row per key and day
/// had every call of the day wait for the one before it (the soak found 84 sessions waiting on one row). There, a save
/// that runs its own transaction takes the lowest slot no other one of this instance holds, until it commits; a save
/// inside a transaction someone else ends (an erasure, the purge) takes its connection's own slot, which no other
/// transaction can hold meanwhile; the routing path's writer, one batch at a time, keeps one of its own. All are offset
/// by a number drawn at start, so two instances rarely share one. A report and the fold add a key's slots up. SQLite
/// writes one transaction at a time (the write gate): always slot 0.
/// </summary>
internal sealed class ReportDaySlots
{
    private const int Connections = 1 << 15;

    private readonly int _first = Random.Shared.Next(0, 1 << 14) << 16;
    private readonly Lock _lock = new();
    private readonly HashSet<int> _held = [];
    private readonly ConditionalWeakTable<DbConnection, StrongBox<int>> _ofConnection = [];
    private int _connections = Connections;

    /// <summary>The slot of the routing path's writer of new call records (<see cref="NewCallCounts"/>).</summary>
    public int Writer(SwitchboardDb db) => db.Database.IsNpgsql() ? _first : 0;

    /// <summary>A slot no other open transaction of this instance holds, until the lease is disposed (when the save's
    /// own transaction ended); in a transaction it did not begin, the slot of the save's connection.</summary>
    public Lease Take(SwitchboardDb db, bool ownTransaction)
    {
        if (!db.Database.IsNpgsql())
        {
            return new Lease(null, 0, 0);
        }

        if (!ownTransaction)
        {
            var slot = _ofConnection.GetValue(db.Database.GetDbConnection(),
                _ => new StrongBox<int>(Interlocked.Increment(ref _connections))).Value;
            return new Lease(null, _first + slot, 0);
        }

        lock (_lock)
        {
            var offset = 1;
            while (!_held.Add(offset))
            {
                offset++;
            }

            return new Lease(this, _first + offset, offset);
        }
    }

    private void Release(int offset)
    {
        lock (_lock)
        {
            _held.Remove(offset);
        }
    }

    public sealed class Lease(ReportDaySlots? slots, int slot, int offset) : IDisposable
    {
        public int Slot => slot;

        public void Dispose() => slots?.Release(offset);
    }
}
