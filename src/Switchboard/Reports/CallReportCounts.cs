using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Calls;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Reports;

/// <summary>
/// What the call report counts of one organization's inbound calls that started in one calendar month (UTC), for
/// one agent, group or inbox (<see cref="Key"/> 0: the calls that had none): the month's totals in columns, and
/// each of its days in <see cref="Days"/>. Written by the fold (<see cref="CallReportFold"/>) of the
/// <see cref="CallReportDay"/> rows that every change of a call record writes in its transaction
/// (<see cref="CallReportCountsInterceptor"/>). One row per key and month, not per day: an organization with
/// thousands of agents has a few calls per agent a day, so rows per day were about as many as calls; a report reads
/// at most one row per key and month (the days only of the two months it covers in part), plus the day rows not
/// folded yet. Formats: <see cref="CountsBlob"/>.
/// </summary>
public sealed class CallReportMonth
{
    public long OrganizationId { get; init; }
    public ReportGrouping Grouping { get; init; }

    /// <summary>The first day of the month (<see cref="DateOnly.DayNumber"/>).</summary>
    public int Month { get; init; }

    public long Key { get; init; }
    public long Calls { get; init; }
    public long Offered { get; init; }
    public long Accepted { get; init; }
    public long Declined { get; init; }
    public long Missed { get; init; }
    public long Abandoned { get; init; }
    public long Forwarded { get; init; }
    public long ForwardedAfterAgent { get; init; }
    public long Rejected { get; init; }
    public long TalkSeconds { get; init; }

    /// <summary>The month's histogram of tenths of a second to accept (<see cref="CountsBlob"/>).</summary>
    public byte[] AcceptTenths { get; init; } = [];

    /// <summary>Each day's counts and histogram (<see cref="CountsBlob"/>).</summary>
    public byte[] Days { get; init; } = [];
}

/// <summary>
/// Changes to the counts of one key on one day (<see cref="DateOnly.DayNumber"/>), written by the change of a call
/// record in its transaction and not yet folded into the key's <see cref="CallReportMonth"/>
/// (<see cref="CallReportFold"/>). A call's change rewrites this small row only: the month row of a busy key (an
/// inbox, key 0) carries tens of KB of days, which the routing path should not rewrite for every call. A report adds
/// these rows to the month rows; the counts may be negative (a call removed or changed after its day was folded).
/// </summary>
public sealed class CallReportDay
{
    public long OrganizationId { get; init; }
    public ReportGrouping Grouping { get; init; }
    public int Day { get; init; }
    public long Key { get; init; }

    /// <summary>Which of the key's rows of the day this is (<see cref="ReportDaySlots"/>): 0 on SQLite.</summary>
    public int Slot { get; init; }

    public long Calls { get; init; }
    public long Offered { get; init; }
    public long Accepted { get; init; }
    public long Declined { get; init; }
    public long Missed { get; init; }
    public long Abandoned { get; init; }
    public long Forwarded { get; init; }
    public long ForwardedAfterAgent { get; init; }
    public long Rejected { get; init; }
    public long TalkSeconds { get; init; }

    /// <summary>The changes to the day's histogram of tenths of a second to accept (<see cref="CountsBlob"/>).
    /// </summary>
    public byte[] AcceptTenths { get; init; } = [];
}

public static class CallReportTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<CallReportMonth> CallReportMonths => db.Set<CallReportMonth>();
        public DbSet<CallReportDay> CallReportDays => db.Set<CallReportDay>();
    }
}

internal sealed class CallReportDayMapping : IEntityTypeConfiguration<CallReportDay>
{
    public void Configure(EntityTypeBuilder<CallReportDay> e)
    {
        e.ToTable("CallReportDays");
        e.HasKey(c => new { c.OrganizationId, c.Grouping, c.Day, c.Key, c.Slot });
    }
}

internal sealed class CallReportMonthMapping : IEntityTypeConfiguration<CallReportMonth>
{
    public void Configure(EntityTypeBuilder<CallReportMonth> e)
    {
        e.ToTable("CallReportMonths");
        // A report reads one organization's rows of one grouping over a range of months.
        e.HasKey(c => new { c.OrganizationId, c.Grouping, c.Month, c.Key });
        // Columns in the order declared, the days last. On SQLite the whole months' totals are also read from an index
        // without the days (IX_CallReportMonths_Totals, made by hand in the migration ReportMonthTotals).
        var order = 0;
        foreach (var property in typeof(CallReportMonth).GetProperties())
        {
            e.Property(property.Name).HasColumnOrder(order++);
        }
    }
}

/// <summary>
/// What one inbound call adds to the report. The same rule is written in SQL for the scan of partial days
/// (<see cref="CallReports"/>) and for the recount (<see cref="CallReportRecount"/>); a test holds the three equal.
/// </summary>
internal readonly record struct ReportedCall(
    long OrganizationId,
    DateTime StartedAt,
    long? AgentId,
    long? GroupId,
    long? InboxId,
    RoutingOutcome Decision,
    DecisionReason Reason,
    CallOutcome? Outcome,
    CallOutcome? AgentOutcome,
    DateTime? ScreenedAt,
    int? TalkSeconds,
    DateTime? FallbackStartedAt,
    string? TeamRung,
    long? TeamAgentId,
    DateTime? TeamAcceptedAt)
{
    /// <summary>The columns of counts, in the order of <see cref="Counts"/>.</summary>
    public static readonly string[] Columns =
    [
        nameof(CallReportMonth.Calls), nameof(CallReportMonth.Offered), nameof(CallReportMonth.Accepted),
        nameof(CallReportMonth.Declined), nameof(CallReportMonth.Missed), nameof(CallReportMonth.Abandoned),
        nameof(CallReportMonth.Forwarded), nameof(CallReportMonth.ForwardedAfterAgent),
        nameof(CallReportMonth.Rejected), nameof(CallReportMonth.TalkSeconds),
    ];

    /// <summary>The agent could not take the call, so a forward happened after the agent without a fallback
    /// dial.</summary>
    public static readonly DecisionReason[] AgentCouldNot =
        [DecisionReason.AgentInactive, DecisionReason.AgentDeleted, DecisionReason.AgentHasNoPhone,
            DecisionReason.AgentNotInGroup];

    /// <summary>The call as it is tracked before or after a save.</summary>
    public static ReportedCall? Of(PropertyValues v) => Of((CallRecord)v.ToObject());

    public static ReportedCall? Of(CallRecord c) =>
        c is { Direction: CallDirection.Inbound, OrganizationId: { } organizationId }
            ? new(
                organizationId,
                c.StartedAt,
                c.AgentId,
                c.GroupId,
                c.InboxId,
                c.Decision,
                c.Reason,
                c.Outcome,
                c.AgentOutcome,
                c.ScreenedAt,
                c.TalkSeconds,
                c.FallbackStartedAt,
                c.TeamRung,
                c.TeamAgentId,
                c.TeamAcceptedAt)
            : null;

    // Someone of the team took the call for the agent (B8): it counts for them, and not as the agent's miss.
    private bool IsAccepted =>
        AgentOutcome == CallOutcome.Connected || TeamAgentId is not null && Outcome == CallOutcome.Connected;

    /// <summary>The agent the call counts for: the one who took it for the team, else the one it was for.</summary>
    public long? ReportedAgentId => TeamAgentId ?? AgentId;

    private CallOutcome? AgentMissed => TeamAgentId is null ? AgentOutcome : null;

    public long[] Counts()
    {
        var forwarded = Outcome == CallOutcome.Forwarded;
        return
        [
            1,
            Decision == RoutingOutcome.ConnectAgent || TeamRung is not null ? 1 : 0,
            IsAccepted ? 1 : 0,
            AgentMissed is CallOutcome.AgentDeclined or CallOutcome.AgentHungUp ? 1 : 0,
            AgentMissed is CallOutcome.AgentNoAnswer or CallOutcome.AgentBusy or CallOutcome.AgentFailed
                or CallOutcome.AgentNoInput ? 1 : 0,
            AgentMissed == CallOutcome.CallerHungUp ? 1 : 0,
            forwarded ? 1 : 0,
            forwarded && (FallbackStartedAt is not null || AgentCouldNot.Contains(Reason)) ? 1 : 0,
            Outcome == CallOutcome.Rejected ? 1 : 0,
            IsAccepted ? TalkSeconds ?? 0 : 0,
        ];
    }

    /// <summary>The accepted call's time to accept in tenths of a second, or null.</summary>
    public long? AcceptTenths =>
        IsAccepted && (TeamAcceptedAt ?? ScreenedAt) is { } acceptedAt ? Tenths(StartedAt, acceptedAt) : null;

    /// <summary>
    /// Whole milliseconds of each time (both databases keep at least those exactly), the difference rounded half up to
    /// tenths in integers: the scans in SQL do the same, so the stored counts and a scan agree to the tenth.
    /// </summary>
    public static long Tenths(DateTime from, DateTime to)
    {
        var ms = to.Ticks / TimeSpan.TicksPerMillisecond - from.Ticks / TimeSpan.TicksPerMillisecond;
        var (quotient, remainder) = Math.DivRem(ms + 50, 100);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}

/// <summary>
/// Changes to the stored counts, gathered from changes of call records (each call added with +1, removed with -1;
/// a changed call removes what it counted before and adds what it counts now) per key and day. The routing path and
/// the callbacks add them to small rows per key and day (<see cref="CallReportDay"/>) in their own transaction;
/// <see cref="FoldAsync"/> moves those rows into the month rows off the routing path.
/// </summary>
internal sealed class CountChanges
{
    private readonly Dictionary<RowKey, DayCounts> _rows = [];

    public bool IsEmpty => _rows.Values.All(c => c.IsZero);

    /// <summary>The changes that saving these tracked call records makes to the counts.</summary>
    public static CountChanges Of(IEnumerable<EntityEntry<CallRecord>> entries)
    {
        var changes = new CountChanges();
        foreach (var entry in entries)
        {
            var before = entry.State is EntityState.Modified or EntityState.Deleted
                ? ReportedCall.Of(entry.OriginalValues)
                : null;
            var after = entry.State is EntityState.Added or EntityState.Modified
                ? ReportedCall.Of(entry.CurrentValues)
                : null;
            if (before == after)
            {
                continue;
            }

            if (before is { } old)
            {
                changes.Add(old, -1);
            }

            if (after is { } now)
            {
                changes.Add(now, +1);
            }
        }

        return changes;
    }

    /// <summary>What new call records add to the counts (stored without the change tracker).</summary>
    public static CountChanges OfNew(IEnumerable<CallRecord> calls)
    {
        var changes = new CountChanges();
        foreach (var call in calls)
        {
            if (ReportedCall.Of(call) is { } reported)
            {
                changes.Add(reported, +1);
            }
        }

        return changes;
    }

    public void Add(ReportedCall call, int sign)
    {
        var counts = call.Counts();
        var day = DateOnly.FromDateTime(call.StartedAt).DayNumber;
        foreach (var (grouping, key) in new[]
        {
            (ReportGrouping.Agent, call.ReportedAgentId), (ReportGrouping.Group, call.GroupId), (ReportGrouping.Inbox,
                call.InboxId),
        })
        {
            Row(new RowKey(call.OrganizationId, grouping, day, key ?? 0)).Add(counts, call.AcceptTenths, sign);
        }
    }

    private DayCounts Row(RowKey key)
    {
        if (!_rows.TryGetValue(key, out var row))
        {
            _rows[key] = row = new DayCounts();
        }

        return row;
    }

    /// <summary>
    /// Adds the changes to the rows of <see cref="CallReportDay"/> of one <paramref name="slot"/> inside the context's
    /// current transaction: one upsert adds the counts (rows in key order, so two transactions never wait for each
    /// other's rows in opposite orders); when a histogram changes, the upsert returns the rows' histograms, which it
    /// holds locked, and one more statement writes them back merged. A call that is not accepted yet (a new call)
    /// writes no blob at all.
    /// </summary>
    public async Task ApplyAsync(SwitchboardDb db, int slot, CancellationToken ct)
    {
        var rows = _rows.Where(r => !r.Value.IsZero).OrderBy(r => r.Key).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var histograms = rows.Where(r => r.Value.Tenths.Values.Any(n => n != 0)).ToDictionary(r => r.Key,
            r => r.Value);
        var table = "\"CallReportDays\"";
        var keys = "\"OrganizationId\", \"Grouping\", \"Day\", \"Key\"";
        var slotted = $"{keys}, \"Slot\"";
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        var sql = new StringBuilder($"INSERT INTO {table} ({slotted}, {columns}, \"AcceptTenths\") VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, change) = rows[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"({key.OrganizationId}, {(int)key.Grouping}, {key.Day}, {key.Key}, {slot}, ");
            sql.AppendJoin(", ", change.Counts.Select(n => n.ToString(CultureInfo.InvariantCulture)))
                .Append(", @empty)");
        }

        sql.Append($" ON CONFLICT ({slotted}) DO UPDATE SET ")
            .AppendJoin(", ", ReportedCall.Columns.Select(c => $"\"{c}\" = {table}.\"{c}\" + excluded.\"{c}\""));
        if (histograms.Count > 0)
        {
            sql.Append($" RETURNING {keys}, \"AcceptTenths\"");
        }

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql.ToString();
        command.AddParameter("@empty", Array.Empty<byte>());
        if (histograms.Count == 0)
        {
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        var stored = new List<(RowKey Key, byte[] Tenths)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = new RowKey(reader.GetInt64(0), (ReportGrouping)reader.GetInt32(1), reader.GetInt32(2),
                    reader.GetInt64(3));
                if (histograms.ContainsKey(key))
                {
                    stored.Add((key, reader.GetFieldValue<byte[]>(4)));
                }
            }
        }

        await using var update = connection.CreateCommand();
        update.Transaction = command.Transaction;
        var text = new StringBuilder();
        for (var i = 0; i < stored.Count; i++)
        {
            var (key, tenths) = stored[i];
            var merged = new Dictionary<long, long>();
            CountsBlob.AddHistogram(tenths, merged);
            histograms[key].AddTenthsTo(merged);
            update.AddParameter($"@h{i}", CountsBlob.Histogram(merged));
            text.Append(CultureInfo.InvariantCulture, $"UPDATE {table} SET \"AcceptTenths\" = @h{i} ")
                .Append(CultureInfo.InvariantCulture, $"WHERE \"OrganizationId\" = {key.OrganizationId} ")
                .Append(CultureInfo.InvariantCulture,
                    $"AND \"Grouping\" = {(int)key.Grouping} AND \"Day\" = {key.Day} AND \"Key\" = {key.Key} ")
                .Append(CultureInfo.InvariantCulture, $"AND \"Slot\" = {slot};");
        }

        update.CommandText = text.ToString();
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Moves up to <paramref name="rows"/> rows of <see cref="CallReportDay"/> into their <see cref="CallReportMonth"/>
    /// rows in the context's current transaction, so a report (which reads both in one statement) counts each change
    /// once, before the move or after it. The day rows are taken in key order; on PostgreSQL only those no call's
    /// transaction holds (<c>SKIP LOCKED</c>): the fold never waits for a call, and a call waits at most for one
    /// batch, never for another call's transaction through the fold. A row skipped, or written meanwhile, is folded
    /// by a later batch. Returns how many day rows were moved.
    /// </summary>
    public static async Task<int> FoldAsync(SwitchboardDb db, int rows, CancellationToken ct)
    {
        var keys = "\"OrganizationId\", \"Grouping\", \"Day\", \"Key\"";
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        var batch = $"""SELECT {keys}, "Slot" FROM "CallReportDays" ORDER BY {keys}, "Slot" LIMIT {rows}""";
        var taken = db.Database.IsNpgsql()
            ? $"""
              DELETE FROM "CallReportDays" d
              USING ({batch} FOR UPDATE SKIP LOCKED) s
              WHERE (d."OrganizationId", d."Grouping", d."Day", d."Key", d."Slot")
                  = (s."OrganizationId", s."Grouping", s."Day", s."Key", s."Slot")
              RETURNING {string.Join(", ", keys.Split(", ").Select(k => $"d.{k}"))},
                  {string.Join(", ", ReportedCall.Columns.Select(c => $"d.\"{c}\""))}, d."AcceptTenths"
              """
            : $"""
              DELETE FROM "CallReportDays" WHERE ({keys}, "Slot") IN ({batch})
              RETURNING {keys}, {columns}, "AcceptTenths"
              """;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = taken;
        var months = new Dictionary<RowKey, MonthChange>();
        var folded = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            var count = ReportedCall.Columns.Length;
            while (await reader.ReadAsync(ct))
            {
                folded++;
                var day = DateOnly.FromDayNumber(reader.GetInt32(2));
                var month = new RowKey(reader.GetInt64(0), (ReportGrouping)reader.GetInt32(1),
                    new DateOnly(day.Year, day.Month, 1).DayNumber, reader.GetInt64(3));
                var counts = new DayCounts();
                for (var i = 0; i < count; i++)
                {
                    counts.Counts[i] = reader.GetInt64(4 + i);
                }

                CountsBlob.AddHistogram(reader.GetFieldValue<byte[]>(4 + count), counts.Tenths);
                if (!months.TryGetValue(month, out var change))
                {
                    months[month] = change = new MonthChange();
                }

                change.Month.Add(counts);
                if (!change.Days.TryGetValue(day.Day, out var kept))
                {
                    change.Days[day.Day] = kept = new DayCounts();
                }

                kept.Add(counts);
            }
        }

        await ApplyToMonthsAsync(db, command.Transaction, months, ct);
        return folded;
    }

    /// <summary>
    /// One upsert adds the months' totals (rows in key order) and returns the rows' histogram and days, which it holds
    /// locked; one statement writes them back with the changes merged.
    /// </summary>
    private static async Task ApplyToMonthsAsync(SwitchboardDb db, DbTransaction? transaction,
        Dictionary<RowKey, MonthChange> months, CancellationToken ct)
    {
        var rows = months.Where(r => !r.Value.IsZero).OrderBy(r => r.Key).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var table = "\"CallReportMonths\"";
        var keys = "\"OrganizationId\", \"Grouping\", \"Month\", \"Key\"";
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        var sql = new StringBuilder($"INSERT INTO {table} ({keys}, {columns}, \"AcceptTenths\", \"Days\") VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, change) = rows[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"({key.OrganizationId}, {(int)key.Grouping}, {key.Day}, {key.Key}, ");
            sql.AppendJoin(", ", change.Month.Counts.Select(n => n.ToString(CultureInfo.InvariantCulture)))
                .Append(", @empty, @empty)");
        }

        sql.Append($" ON CONFLICT ({keys}) DO UPDATE SET ")
            .AppendJoin(", ", ReportedCall.Columns.Select(c => $"\"{c}\" = {table}.\"{c}\" + excluded.\"{c}\""))
            .Append($" RETURNING {keys}, \"AcceptTenths\", \"Days\"");

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.ToString();
        command.AddParameter("@empty", Array.Empty<byte>());
        var stored = new List<(RowKey Key, byte[] Tenths, byte[] Days)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stored.Add((new RowKey(reader.GetInt64(0), (ReportGrouping)reader.GetInt32(1), reader.GetInt32(2),
                    reader.GetInt64(3)), reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)));
            }
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        var text = new StringBuilder();
        for (var i = 0; i < stored.Count; i++)
        {
            var (key, tenths, days) = stored[i];
            var change = months[key];
            var histogram = new Dictionary<long, long>();
            CountsBlob.AddHistogram(tenths, histogram);
            change.Month.AddTenthsTo(histogram);
            var merged = CountsBlob.ReadDays(days);
            foreach (var (day, counts) in change.Days)
            {
                if (!merged.TryGetValue(day, out var kept))
                {
                    merged[day] = kept = new DayCounts();
                }

                kept.Add(counts);
            }

            update.AddParameter($"@h{i}", CountsBlob.Histogram(histogram));
            update.AddParameter($"@d{i}", CountsBlob.Days(merged));
            text.Append(CultureInfo.InvariantCulture, $"UPDATE {table} SET \"AcceptTenths\" = @h{i}, ")
                .Append(CultureInfo.InvariantCulture, $"\"Days\" = @d{i} ")
                .Append(CultureInfo.InvariantCulture, $"WHERE \"OrganizationId\" = {key.OrganizationId} ")
                .Append(CultureInfo.InvariantCulture,
                    $"AND \"Grouping\" = {(int)key.Grouping} AND \"Month\" = {key.Day} AND \"Key\" = {key.Key};");
        }

        update.CommandText = text.ToString();
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A row's key: <see cref="Day"/> is the day (<see cref="DateOnly.DayNumber"/>) of a day row, the first
    /// day of the month of a month row.</summary>
    private readonly record struct RowKey(long OrganizationId, ReportGrouping Grouping, int Day, long Key)
        : IComparable<RowKey>
    {
        public int CompareTo(RowKey other) =>
            (OrganizationId, Grouping, Day, Key).CompareTo((other.OrganizationId, other.Grouping, other.Day,
                other.Key));
    }

    private sealed class MonthChange
    {
        public DayCounts Month { get; } = new();
        public SortedDictionary<int, DayCounts> Days { get; } = [];
        public bool IsZero => Month.IsZero && Days.Values.All(d => d.IsZero);
    }
}

/// <summary>The counts of one key over one day (or month): the columns of <see cref="ReportedCall.Counts"/> and the
/// histogram of tenths of a second to accept.</summary>
internal sealed class DayCounts
{
    public long[] Counts { get; } = new long[ReportedCall.Columns.Length];
    public Dictionary<long, long> Tenths { get; } = [];
    public bool IsZero => Counts.All(n => n == 0) && Tenths.Values.All(n => n == 0);

    public void Add(long[] counts, long? tenths, int sign)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            Counts[i] += sign * counts[i];
        }

        if (tenths is { } t)
        {
            Tenths[t] = Tenths.GetValueOrDefault(t) + sign;
        }
    }

    public void Add(DayCounts other)
    {
        for (var i = 0; i < Counts.Length; i++)
        {
            Counts[i] += other.Counts[i];
        }

        other.AddTenthsTo(Tenths);
    }

    public void AddTenthsTo(Dictionary<long, long> histogram)
    {
        foreach (var (t, n) in Tenths)
        {
            histogram[t] = histogram.GetValueOrDefault(t) + n;
        }
    }
}

/// <summary>
/// The stored formats of <see cref="CallReportMonth"/>: sequences of 32-bit big-endian integers, which both databases
/// write in SQL for the recount (PostgreSQL's <c>int4send</c>, SQLite's <c>unhex(printf('%08X'))</c>) and C# reads
/// without parsing text. A histogram is pairs (tenths of a second, accepted calls), in any order, a value repeated
/// or not; <see cref="CallReportMonth.Days"/> is, per day that has calls: the day of the month, the ten counts of
/// <see cref="ReportedCall.Columns"/>, the number of histogram pairs, then the pairs. Everything merges by addition.
/// </summary>
internal static class CountsBlob
{
    private static readonly int CountColumns = ReportedCall.Columns.Length;

    public static void AddHistogram(ReadOnlySpan<byte> blob, Dictionary<long, long> histogram)
    {
        for (var at = 0; at + 8 <= blob.Length; at += 8)
        {
            var tenths = BinaryPrimitives.ReadInt32BigEndian(blob[at..]);
            var calls = BinaryPrimitives.ReadInt32BigEndian(blob[(at + 4)..]);
            histogram[tenths] = histogram.GetValueOrDefault(tenths) + calls;
        }
    }

    public static byte[] Histogram(Dictionary<long, long> histogram)
    {
        var pairs = histogram.Where(p => p.Value != 0).OrderBy(p => p.Key).ToList();
        var blob = new byte[pairs.Count * 8];
        for (var i = 0; i < pairs.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(i * 8), checked((int)pairs[i].Key));
            BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(i * 8 + 4), checked((int)pairs[i].Value));
        }

        return blob;
    }

    /// <summary>Calls <paramref name="day"/> for each day of the blob: its day of the month, its counts (the span
    /// of the blob) and its histogram's pairs.</summary>
    public static void ForEachDay(ReadOnlySpan<byte> blob, DayReader day)
    {
        var at = 0;
        while (at + 4 * (CountColumns + 2) <= blob.Length)
        {
            var dayOfMonth = BinaryPrimitives.ReadInt32BigEndian(blob[at..]);
            var counts = blob.Slice(at + 4, 4 * CountColumns);
            var pairs = BinaryPrimitives.ReadInt32BigEndian(blob[(at + 4 + 4 * CountColumns)..]);
            var histogramAt = at + 4 * (CountColumns + 2);
            day(dayOfMonth, counts, blob.Slice(histogramAt, 8 * pairs));
            at = histogramAt + 8 * pairs;
        }
    }

    public delegate void DayReader(int dayOfMonth, ReadOnlySpan<byte> counts, ReadOnlySpan<byte> histogram);

    public static long Count(ReadOnlySpan<byte> counts, int column) =>
        BinaryPrimitives.ReadInt32BigEndian(counts[(4 * column)..]);

    public static SortedDictionary<int, DayCounts> ReadDays(byte[] blob)
    {
        var days = new SortedDictionary<int, DayCounts>();
        ForEachDay(blob, (dayOfMonth, counts, histogram) =>
        {
            if (!days.TryGetValue(dayOfMonth, out var day))
            {
                days[dayOfMonth] = day = new DayCounts();
            }

            for (var i = 0; i < CountColumns; i++)
            {
                day.Counts[i] += Count(counts, i);
            }

            AddHistogram(histogram, day.Tenths);
        });
        return days;
    }

    /// <summary>The days in order; a day whose counts all came back to zero (its calls were removed) is left out.
    /// </summary>
    public static byte[] Days(SortedDictionary<int, DayCounts> days)
    {
        var buffer = new List<byte>();
        Span<byte> word = stackalloc byte[4];
        foreach (var (dayOfMonth, day) in days)
        {
            if (day.IsZero)
            {
                continue;
            }

            var histogram = Histogram(day.Tenths);
            foreach (var value in new long[] { dayOfMonth }.Concat(day.Counts).Append(histogram.Length / 8))
            {
                BinaryPrimitives.WriteInt32BigEndian(word, checked((int)value));
                buffer.AddRange(word);
            }

            buffer.AddRange(histogram);
        }

        return [.. buffer];
    }
}
