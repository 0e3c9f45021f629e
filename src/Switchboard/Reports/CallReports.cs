using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Calls.Voicemail;
using Switchboard.Calls;
using Switchboard.Kernel;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Reports;

public enum ReportGrouping { Agent, Group, Inbox }

/// <summary>
/// The report's parameters as written in a query string; every one may be left out.
/// Properties rather than a constructor: the request delegate generator (endpoints bound at build time) writes
/// <c>typeof(string?)</c> for a constructor's nullable strings, which does not compile.
/// </summary>
public sealed record CallReportQuery
{
    public string? From { get; init; }

    public string? To { get; init; }

    public string? GroupBy { get; init; }
}

/// <summary>
/// One row of the call report: an agent, a group or an inbox (<see cref="Id"/> and <see cref="Name"/> null: the calls
/// that had none), or the totals. What each column counts is in docs/reports.md.
/// </summary>
public sealed record CallReportRow(
    long? Id,
    string? Name,
    int Calls,
    int Offered,
    int Accepted,
    int Declined,
    int Missed,
    int Abandoned,
    int Forwarded,
    int ForwardedAfterAgent,
    int Rejected,
    double? MedianSecondsToAccept,
    long TalkSeconds,
    double? AverageTalkSeconds,
    int Voicemails = 0);

/// <summary>
/// <see cref="To"/> is exclusive: the report covers calls that started at or after From and before To.
/// </summary>
public sealed record CallReport(
    DateTime From,
    DateTime To,
    string GroupBy,
    IReadOnlyList<CallReportRow> Rows,
    CallReportRow Totals);

/// <summary>
/// Call analytics over inbound calls that started in a range, per agent, group or inbox. The whole UTC days of the
/// range are read from the stored counts (<see cref="CallReportMonth"/>: whole months, and the days of the others);
/// the part of a day at either end of a range given to the second is read from the calls themselves, by a grouped
/// scan that counts the same way. Each row's seconds to accept come as a histogram from which the medians are read
/// here, so the same code serves SQLite (which has no median function) and PostgreSQL. Definitions: docs/reports.md.
/// </summary>
public sealed class CallReports(SwitchboardDb db, TimeProvider clock)
{
    public const int DefaultDays = 30;

    // Two years: "this year" and "last year" to compare. The stored counts make the length cost little.
    public const int MaxDays = 731;

    public const string DateMessage = "must be a date (2026-11-24) or a UTC date and time (2026-11-24T08:00:00Z)";

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Validates the parameters: a refusal names each bad one.</summary>
    public Answer<ReportRange> Range(CallReportQuery query)
    {
        var errors = new Dictionary<string, string[]>();
        var grouping = ReportGrouping.Agent;
        if (!string.IsNullOrEmpty(query.GroupBy) && !EnumNames.TryParse(query.GroupBy, out grouping))
        {
            errors["groupBy"] = [EnumNames.Allowed<ReportGrouping>()];
        }

        var from = Instant(query.From, endOfDay: false, "from", errors);
        var to = Instant(query.To, endOfDay: true, "to", errors);
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var end = to
            ?? (from is { } f
                ? f.AddDays(DefaultDays)
                : today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var start = from ?? end.AddDays(-DefaultDays);
        if (end <= start)
        {
            return Refusal.OnField("to", "must be after from");
        }

        if (end - start > TimeSpan.FromDays(MaxDays))
        {
            return Refusal.OnField("to", $"must be at most {MaxDays} days after from");
        }

        return new ReportRange(start, end, grouping);
    }

    public async Task<Answer<CallReport>> ReportAsync(long orgId, CallReportQuery query, CancellationToken ct)
    {
        var range = Range(query);
        return range.Done ? await ReportAsync(orgId, range.Value!, ct) : range.Refusal;
    }

    public Task<CallReport> ReportAsync(long orgId, ReportRange range, CancellationToken ct) =>
        CountsReportAsync(orgId, range, ct);

    /// <summary>
    /// The report from the stored counts for the whole days and a scan of the partial days at either end.
    /// </summary>
    internal async Task<CallReport> CountsReportAsync(long orgId, ReportRange range, CancellationToken ct)
    {
        var tallies = new Dictionary<long, Tally>();
        var firstDay = DateOnly.FromDateTime(range.From);
        if (Midnight(firstDay) < range.From)
        {
            firstDay = firstDay.AddDays(1);
        }

        var endDay = DateOnly.FromDateTime(range.To);
        if (firstDay < endDay)
        {
            await ReadCountsAsync(orgId, range.GroupBy, firstDay, endDay, tallies, ct);
            await ScanAsync(orgId, range with { To = Midnight(firstDay) }, tallies, ct);
            await ScanAsync(orgId, range with { From = Midnight(endDay) }, tallies, ct);
        }
        else
        {
            await ScanAsync(orgId, range, tallies, ct);
        }

        return await CompleteAsync(orgId, range, tallies, ct);
    }

    /// <summary>
    /// The report from the calls alone, as it was made before the stored counts: the test's reference.
    /// </summary>
    internal async Task<CallReport> ScanReportAsync(long orgId, ReportRange range, CancellationToken ct)
    {
        var tallies = new Dictionary<long, Tally>();
        await ScanAsync(orgId, range, tallies, ct);
        return await CompleteAsync(orgId, range, tallies, ct);
    }

    private async Task<CallReport> CompleteAsync(
        long orgId,
        ReportRange range,
        Dictionary<long, Tally> tallies,
        CancellationToken ct)
    {
        // Counts of calls that were all removed (purged) leave rows of zeros behind: no calls, no row, as in a scan.
        foreach (var empty in tallies.Where(t => t.Value.Calls == 0).Select(t => t.Key).ToList())
        {
            tallies.Remove(empty);
        }

        await CountVoicemailsAsync(orgId, range, tallies, ct);
        var names = await NamesAsync(range.GroupBy, tallies.Keys.Where(k => k != NoKey).ToList(), ct);
        var rows = tallies
            .Select(t =>
                Row(t.Key == NoKey ? null : t.Key, t.Key == NoKey ? null : names.GetValueOrDefault(t.Key), t.Value))
            .OrderBy(r => r.Id is null)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Id)
            .ToList();
        var all = new Tally();
        foreach (var tally in tallies.Values)
        {
            all.Add(tally);
        }

        return new CallReport(range.From, range.To, EnumNames.Name(range.GroupBy), rows, Row(null, null, all));
    }

    private const long NoKey = long.MinValue;

    private static DateTime Midnight(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static Tally TallyOf(Dictionary<long, Tally> tallies, long key)
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new Tally();
        }

        return tally;
    }

    /// <summary>
    /// The stored counts of the whole days [firstDay, endDay), in one statement (so that a fold committed meanwhile is
    /// seen whole or not at all) over one range of keys: the totals of the months that lie whole inside (on SQLite
    /// summed per key from an index of their own, see the ReportMonthTotals migration: a year per agent is thousands
    /// of keys × 12 months), the days of the (at most two) months the range covers in part, and the day rows not yet
    /// folded into their months.
    /// </summary>
    private async Task ReadCountsAsync(
        long orgId,
        ReportGrouping grouping,
        DateOnly firstDay,
        DateOnly endDay,
        Dictionary<long, Tally> tallies,
        CancellationToken ct)
    {
        var firstMonth = new DateOnly(firstDay.Year, firstDay.Month, 1);
        var lastDay = endDay.AddDays(-1);
        var lastMonth = new DateOnly(lastDay.Year, lastDay.Month, 1);
        var wholeFrom = firstDay.Day == 1 ? firstMonth : firstMonth.AddMonths(1);
        var wholeTo = endDay.Day == 1 ? endDay : lastMonth;
        var ofGrouping = $"""
            WHERE "OrganizationId" = @org AND "Grouping" = {(int)grouping}
            """;
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        // PostgreSQL sends the whole months' rows as they are: it would sum bigints as numeric, which took longer than
        // sending them (a year per agent at 10M calls: 142 → 173–194 ms). SQLite's driver pays for every column read,
        // so SQLite sums them per key, with the histograms concatenated: a histogram is a run of (tenths, calls) pairs,
        // so several one after the other are one that holds all their pairs (group_concat appends each value's bytes
        // as they are, zeros too, and the cast hands them back).
        var whole = $"""
            FROM "CallReportMonths"
            {ofGrouping} AND "Month" >= @whole_from AND "Month" < @whole_to
            """;
        var wholeMonths = db.Database.IsNpgsql()
            ? $"""SELECT "Key", 0, "AcceptTenths", {columns} {whole}"""
            : $"""
                SELECT "Key", 0, CAST(group_concat("AcceptTenths", '') AS BLOB),
                       {string.Join(", ", ReportedCall.Columns.Select(c => $"SUM(\"{c}\")"))}
                {whole}
                GROUP BY "Key"
                """;
        var sql = $"""
            {wholeMonths}
            UNION ALL
            SELECT "Key", "Month", "Days", {string.Join(", ", ReportedCall.Columns.Select(_ => "0"))}
            FROM "CallReportMonths"
            {ofGrouping} AND "Month" >= @first AND "Month" <= @last AND ("Month" < @whole_from OR "Month" >= @whole_to)
            UNION ALL
            SELECT "Key", 0, "AcceptTenths", {columns}
            FROM "CallReportDays"
            {ofGrouping} AND "Day" >= @first_day AND "Day" < @end_day
            """;

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.AddParameter("@org", orgId);
            command.AddParameter("@first", firstMonth.DayNumber);
            command.AddParameter("@last", lastMonth.DayNumber);
            command.AddParameter("@whole_from", wholeFrom.DayNumber);
            command.AddParameter("@whole_to", wholeTo.DayNumber);
            command.AddParameter("@first_day", firstDay.DayNumber);
            command.AddParameter("@end_day", endDay.DayNumber);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var counts = ReportedCall.Columns.Length;
            while (await reader.ReadAsync(ct))
            {
                var tally = TallyOf(tallies, KeyOf(reader.GetInt64(0)));
                var month = reader.GetInt32(1);
                var blob = reader.GetFieldValue<byte[]>(2);
                if (month == 0)
                {
                    // Whole months' totals, or a day row's change: counts and a histogram.
                    for (var i = 0; i < counts; i++)
                    {
                        tally.AddCount(i, reader.GetInt64(i + 3));
                    }

                    CountsBlob.AddHistogram(blob, tally.SecondsToAccept);
                    continue;
                }

                // A month covered in part: its days in the range.
                var (from, to) = (firstDay.DayNumber - month + 1, endDay.DayNumber - month + 1);
                CountsBlob.ForEachDay(blob, (day, dayCounts, histogram) =>
                {
                    if (day >= from && day < to)
                    {
                        for (var i = 0; i < counts; i++)
                        {
                            tally.AddCount(i, CountsBlob.Count(dayCounts, i));
                        }

                        CountsBlob.AddHistogram(histogram, tally.SecondsToAccept);
                    }
                });
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // The stored counts name "no agent" (or group, inbox) 0.
    private static long KeyOf(long stored) => stored == 0 ? NoKey : stored;

    /// <summary>
    /// One pass over the organization's inbound calls in the range (index on OrganizationId, StartedAt), grouped by
    /// the row and by the accepted call's seconds-to-accept in tenths: the counts come summed, and each row's seconds
    /// come as a histogram from which the medians (the row's, and the totals' over all calls) are read. SQLite has no
    /// median; reading each accepted call's time instead took a second scan and ~0.5 µs a row more.
    /// </summary>
    private async Task ScanAsync(long orgId, ReportRange range, Dictionary<long, Tally> tallies, CancellationToken ct)
    {
        if (range.To <= range.From)
        {
            return;
        }

        var column = range.GroupBy switch
        {
            ReportGrouping.Group => "\"GroupId\"",
            ReportGrouping.Inbox => "\"InboxId\"",
            // A call the team took counts for the agent who took it (B8).
            _ => "COALESCE(\"TeamAgentId\", \"AgentId\")",
        };
        var sums = string.Join(", ", CallReportSql.Counts().Select(c => $"SUM({c})"));
        var sql = $"""
            SELECT {column}, {CallReportSql.AcceptTenths(db.Database.IsNpgsql())}, {sums}
            FROM "Calls"
            WHERE "OrganizationId" = @org AND "StartedAt" >= @from AND "StartedAt" < @to
              AND "Direction" = '{nameof(CallDirection.Inbound)}'
            GROUP BY 1, 2
            """;

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.AddParameter("@org", orgId);
            command.AddParameter("@from", range.From);
            command.AddParameter("@to", range.To);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var tally = TallyOf(tallies, reader.IsDBNull(0) ? NoKey : reader.GetInt64(0));
                tally.Calls += reader.GetInt64(2);
                tally.Offered += reader.GetInt64(3);
                tally.Accepted += reader.GetInt64(4);
                tally.Declined += reader.GetInt64(5);
                tally.Missed += reader.GetInt64(6);
                tally.Abandoned += reader.GetInt64(7);
                tally.Forwarded += reader.GetInt64(8);
                tally.ForwardedAfterAgent += reader.GetInt64(9);
                tally.Rejected += reader.GetInt64(10);
                tally.TalkSeconds += reader.GetInt64(11);
                if (!reader.IsDBNull(1))
                {
                    tally.AddTenths(reader.GetInt64(1), reader.GetInt64(2));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The voicemails left on the range's inbound calls, per row: read from the voicemails (few) joined to their calls,
    /// so that the report's scan of the calls stays as it was.
    /// </summary>
    private async Task CountVoicemailsAsync(
        long orgId,
        ReportRange range,
        Dictionary<long, Tally> tallies,
        CancellationToken ct)
    {
        // The calls are looked up by the ids of the organization's voicemails (few), not found by their time: joined,
        // the planner walked every call of the range (measured: 1.3 s of a 365-day report over 1M calls on SQLite).
        var voicemailCalls = db.Voicemails.Where(v => v.OrganizationId == orgId && v.Counted).Select(v => v.CallId);
        var counts = await (
            from c in db.Calls.AsNoTracking()
            where voicemailCalls.Contains(c.Id)
                && c.StartedAt >= range.From && c.StartedAt < range.To && c.Direction == CallDirection.Inbound
            group c by range.GroupBy == ReportGrouping.Group
                ? c.GroupId
                : range.GroupBy == ReportGrouping.Inbox ? c.InboxId : c.TeamAgentId ?? c.AgentId into row
            select new { Key = row.Key, Count = row.Count() }).ToListAsync(ct);
        foreach (var count in counts)
        {
            TallyOf(tallies, count.Key ?? NoKey).Voicemails += count.Count;
        }
    }

    private async Task<Dictionary<long, string>> NamesAsync(
        ReportGrouping grouping,
        List<long> ids,
        CancellationToken ct) => grouping switch
    {
        ReportGrouping.Group =>
            await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct),
        ReportGrouping.Inbox =>
            await db.Inboxes.AsNoTracking()
                .Where(i => ids.Contains(i.Id))
                .ToDictionaryAsync(i => i.Id, i => i.Name, ct),
        _ =>
            await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct),
    };

    private static CallReportRow Row(long? id, string? name, Tally t) => new(
        id,
        name,
        (int)t.Calls,
        (int)t.Offered,
        (int)t.Accepted,
        (int)t.Declined,
        (int)t.Missed,
        (int)t.Abandoned,
        (int)t.Forwarded,
        (int)t.ForwardedAfterAgent,
        (int)t.Rejected,
        Median(t.SecondsToAccept),
        t.TalkSeconds,
        t.Accepted == 0 ? null : Math.Round((double)t.TalkSeconds / t.Accepted, 1, MidpointRounding.AwayFromZero),
        (int)t.Voicemails);

    /// <summary>
    /// The middle value (the mean of the two middle ones for an even count) of a histogram of tenths of a second.
    /// </summary>
    internal static double? Median(Dictionary<long, long> histogram)
    {
        var tenths = histogram.Where(p => p.Value != 0).OrderBy(p => p.Key).ToList();
        var count = tenths.Sum(p => p.Value);
        if (count == 0)
        {
            return null;
        }

        long? lower = null;
        long? upper = null;
        var seen = 0L;
        foreach (var (value, times) in tenths)
        {
            seen += times;
            if (lower is null && seen > (count - 1) / 2)
            {
                lower = value;
            }

            if (seen > count / 2)
            {
                upper = value;
                break;
            }
        }

        return Math.Round((lower!.Value + upper!.Value) / 20.0, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>The median of whole values, through the same histogram (values are rounded to a tenth first).</summary>
    internal static double? Median(IEnumerable<double> seconds)
    {
        var tally = new Tally();
        foreach (var s in seconds)
        {
            tally.AddTenths((long)Math.Round(s * 10, MidpointRounding.AwayFromZero), 1);
        }

        return Median(tally.SecondsToAccept);
    }

    private static DateTime? Instant(string? text, bool endOfDay, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            // A day is included whole: to=2026-11-30 ends at the start of December 1st.
            return (endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }

        if (DateTimeOffset.TryParseExact(
            text,
            DateTimeFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out var instant))
        {
            return instant.UtcDateTime;
        }

        errors[field] = [DateMessage];
        return null;
    }

    private sealed class Tally
    {
        public long Calls;
        public long Offered;
        public long Accepted;
        public long Declined;
        public long Missed;
        public long Abandoned;
        public long Forwarded;
        public long ForwardedAfterAgent;
        public long Rejected;
        public long TalkSeconds;
        public long Voicemails;

        /// <summary>How many accepted calls took each number of tenths of a second to accept.</summary>
        public Dictionary<long, long> SecondsToAccept { get; } = [];

        /// <summary>Adds to the column of <see cref="ReportedCall.Columns"/> at this index.</summary>
        public void AddCount(int column, long value)
        {
            switch (column)
            {
                case 0: Calls += value; break;
                case 1: Offered += value; break;
                case 2: Accepted += value; break;
                case 3: Declined += value; break;
                case 4: Missed += value; break;
                case 5: Abandoned += value; break;
                case 6: Forwarded += value; break;
                case 7: ForwardedAfterAgent += value; break;
                case 8: Rejected += value; break;
                default: TalkSeconds += value; break;
            }
        }

        public void AddTenths(long tenths, long calls) =>
            SecondsToAccept[tenths] = SecondsToAccept.GetValueOrDefault(tenths) + calls;

        public void Add(Tally other)
        {
            Calls += other.Calls;
            Offered += other.Offered;
            Accepted += other.Accepted;
            Declined += other.Declined;
            Missed += other.Missed;
            Abandoned += other.Abandoned;
            Forwarded += other.Forwarded;
            ForwardedAfterAgent += other.ForwardedAfterAgent;
            Rejected += other.Rejected;
            TalkSeconds += other.TalkSeconds;
            Voicemails += other.Voicemails;
            foreach (var (tenths, calls) in other.SecondsToAccept)
            {
                AddTenths(tenths, calls);
            }
        }
    }
}

/// <summary>The report's range: from inclusive, to exclusive, both UTC.</summary>
public sealed record ReportRange(DateTime From, DateTime To, ReportGrouping GroupBy);
