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

/// <summary>How long a row of counts covers: one UTC day, or the UTC days of one calendar month.</summary>
public enum CountSpan { Day, Month }

/// <summary>
/// What the call report counts of one organization's inbound calls that started in one UTC day (or month), for one
/// agent, group or inbox (<see cref="Key"/> 0: the calls that had none). Kept up to date in the transaction of every
/// change of a call record (<see cref="CallReportCountsInterceptor"/>), so that a report reads a few rows per agent
/// instead of every call. Months are kept beside days because an organization with thousands of agents has a few calls
/// per agent a day: a year of days per agent is about as many rows as calls.
/// </summary>
public sealed class CallReportCount
{
    public long OrganizationId { get; init; }
    public ReportGrouping Grouping { get; init; }
    public CountSpan Span { get; init; }

    /// <summary>The day (<see cref="DateOnly.DayNumber"/>), or the first day of the month.</summary>
    public int Period { get; init; }

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

    /// <summary>How many accepted calls took each number of tenths of a second to accept: "tenths:calls,…".</summary>
    public string AcceptTenths { get; init; } = "";
}

public static class CallReportTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<CallReportCount> CallReportCounts => db.Set<CallReportCount>();
    }
}

internal sealed class CallReportCountMapping : IEntityTypeConfiguration<CallReportCount>
{
    public void Configure(EntityTypeBuilder<CallReportCount> e)
    {
        e.ToTable("CallReportCounts");
        // A report reads one organization's rows of one grouping over a range of periods.
        e.HasKey(c => new { c.OrganizationId, c.Grouping, c.Span, c.Period, c.Key });
        e.Property(c => c.AcceptTenths).HasDefaultValue("");
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
        nameof(CallReportCount.Calls), nameof(CallReportCount.Offered), nameof(CallReportCount.Accepted),
        nameof(CallReportCount.Declined), nameof(CallReportCount.Missed), nameof(CallReportCount.Abandoned),
        nameof(CallReportCount.Forwarded), nameof(CallReportCount.ForwardedAfterAgent),
        nameof(CallReportCount.Rejected), nameof(CallReportCount.TalkSeconds),
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
/// a changed call removes what it counted before and adds what it counts now) and applied in one upsert.
/// </summary>
internal sealed class CountChanges
{
    private readonly Dictionary<RowKey, Change> _rows = [];

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
        var tenths = call.AcceptTenths;
        var day = DateOnly.FromDateTime(call.StartedAt);
        var month = new DateOnly(day.Year, day.Month, 1);
        foreach (var (grouping, key) in new[]
        {
            (ReportGrouping.Agent, call.ReportedAgentId), (ReportGrouping.Group, call.GroupId), (ReportGrouping.Inbox,
                call.InboxId),
        })
        {
            foreach (var (span, period) in new[] { (CountSpan.Day, day.DayNumber), (CountSpan.Month, month.DayNumber) })
            {
                var row = new RowKey(call.OrganizationId, grouping, span, period, key ?? 0);
                if (!_rows.TryGetValue(row, out var change))
                {
                    _rows[row] = change = new Change();
                }

                for (var i = 0; i < counts.Length; i++)
                {
                    change.Counts[i] += sign * counts[i];
                }

                if (tenths is { } t)
                {
                    change.Tenths[t] = change.Tenths.GetValueOrDefault(t) + sign;
                }
            }
        }
    }

    /// <summary>
    /// Adds the changes to the stored rows inside the context's current transaction. The counts go in one upsert,
    /// rows in key order (two transactions never wait for each other's rows in opposite orders); rows whose histogram
    /// changes are read back from that upsert, which holds them locked, and rewritten.
    /// </summary>
    public async Task ApplyAsync(SwitchboardDb db, CancellationToken ct)
    {
        var rows = _rows.Where(r => !r.Value.IsZero).OrderBy(r => r.Key).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var histograms = rows.Where(r => r.Value.Tenths.Values.Any(n => n != 0)).ToDictionary(r => r.Key,
            r => r.Value.Tenths);
        var table = "\"CallReportCounts\"";
        var keys = "\"OrganizationId\", \"Grouping\", \"Span\", \"Period\", \"Key\"";
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        var sql = new StringBuilder($"INSERT INTO {table} ({keys}, {columns}, \"AcceptTenths\") VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, change) = rows[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"({key.OrganizationId}, {(int)key.Grouping}, {(int)key.Span}, {key.Period}, {key.Key}, ");
            sql.AppendJoin(", ", change.Counts.Select(n => n.ToString(CultureInfo.InvariantCulture))).Append(", '')");
        }

        sql.Append($" ON CONFLICT ({keys}) DO UPDATE SET ")
            .AppendJoin(", ", ReportedCall.Columns.Select(c => $"\"{c}\" = {table}.\"{c}\" + excluded.\"{c}\""));
        if (histograms.Count > 0)
        {
            sql.Append($" RETURNING {keys}, \"AcceptTenths\"");
        }

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql.ToString();
        if (histograms.Count == 0)
        {
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        var stored = new List<(RowKey Key, string Tenths)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = new RowKey(reader.GetInt64(0), (ReportGrouping)reader.GetInt32(1),
                    (CountSpan)reader.GetInt32(2),
                    reader.GetInt32(3), reader.GetInt64(4));
                if (histograms.ContainsKey(key))
                {
                    stored.Add((key, reader.GetString(5)));
                }
            }
        }

        await using var update = connection.CreateCommand();
        update.Transaction = command.Transaction;
        var text = new StringBuilder();
        for (var i = 0; i < stored.Count; i++)
        {
            var (key, tenths) = stored[i];
            var merged = Histogram.Parse(tenths);
            foreach (var (t, n) in histograms[key])
            {
                merged[t] = merged.GetValueOrDefault(t) + n;
            }

            var parameter = update.CreateParameter();
            parameter.ParameterName = $"@h{i}";
            parameter.Value = Histogram.Format(merged);
            update.Parameters.Add(parameter);
            text.Append(CultureInfo.InvariantCulture, $"UPDATE {table} SET \"AcceptTenths\" = @h{i} WHERE ")
                .Append(CultureInfo.InvariantCulture,
                    $"\"OrganizationId\" = {key.OrganizationId} AND \"Grouping\" = {(int)key.Grouping} ")
                .Append(CultureInfo.InvariantCulture,
                    $"AND \"Span\" = {(int)key.Span} AND \"Period\" = {key.Period} AND \"Key\" = {key.Key};");
        }

        update.CommandText = text.ToString();
        await update.ExecuteNonQueryAsync(ct);
    }

    private readonly record struct RowKey(long OrganizationId, ReportGrouping Grouping, CountSpan Span, int Period,
        long Key)
        : IComparable<RowKey>
    {
        public int CompareTo(RowKey other) =>
            (OrganizationId, Grouping, Span, Period, Key).CompareTo((other.OrganizationId, other.Grouping, other.Span,
                other.Period, other.Key));
    }

    private sealed class Change
    {
        public long[] Counts { get; } = new long[ReportedCall.Columns.Length];
        public SortedDictionary<long, long> Tenths { get; } = [];
        public bool IsZero => Counts.All(n => n == 0) && Tenths.Values.All(n => n == 0);
    }
}

/// <summary>The stored histogram of tenths of a second to accept: "tenths:calls" pairs, comma-separated.</summary>
internal static class Histogram
{
    public static SortedDictionary<long, long> Parse(string text)
    {
        var histogram = new Dictionary<long, long>();
        AddTo(histogram, text);
        return new SortedDictionary<long, long>(histogram);
    }

    /// <summary>Adds the pairs of the text (in any order, a value repeated or not) to the histogram.</summary>
    public static void AddTo(Dictionary<long, long> histogram, ReadOnlySpan<char> text)
    {
        foreach (var range in text.Split(','))
        {
            var pair = text[range];
            var colon = pair.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var tenths = long.Parse(pair[..colon], CultureInfo.InvariantCulture);
            histogram[tenths] = histogram.GetValueOrDefault(tenths) + long.Parse(pair[(colon + 1)..],
                CultureInfo.InvariantCulture);
        }
    }

    public static string Format(SortedDictionary<long, long> histogram) =>
        string.Join(',', histogram.Where(p => p.Value != 0).Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Key}:{p.Value}")));
}
