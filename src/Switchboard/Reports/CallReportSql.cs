using System.Globalization;
using Switchboard.Calls;
using Switchboard.Routing;

namespace Switchboard.Reports;

/// <summary>
/// What a call counts for in the report, written in SQL over the columns of "Calls": the scan of partial days and the
/// recount share it. <see cref="ReportedCall"/> says the same in C# for the counts kept as calls change.
/// </summary>
public static class CallReportSql
{
    // The agent took the call, or someone of the team took it for them (B8).
    private const string Accepted =
        $"(\"AgentOutcome\" = '{nameof(CallOutcome.Connected)}' OR \"TeamAgentId\" IS NOT NULL " +
            $"AND \"Outcome\" = '{nameof(CallOutcome.Connected)}')";

    // The agent's own declines and misses count when the team did not take the call for them.
    private const string AgentMissed = "\"TeamAgentId\" IS NULL AND \"AgentOutcome\"";

    private const string AcceptedAt = "COALESCE(\"TeamAcceptedAt\", \"ScreenedAt\")";
    private const string Forwarded = $"\"Outcome\" = '{nameof(CallOutcome.Forwarded)}'";

    /// <summary>One expression per column of <see cref="ReportedCall.Columns"/>, each the call's part of it.</summary>
    internal static string[] Counts()
    {
        // After the agent: the fallback number once the agent did not take the call, or at once because the agent
        // could not.
        var afterAgent = "\"FallbackStartedAt\" IS NOT NULL OR \"Reason\" IN (" +
            string.Join(", ", ReportedCall.AgentCouldNot.Select(r => $"'{r}'")) + ")";
        return
        [
            "1",
            $"CASE WHEN \"Decision\" = '{nameof(RoutingOutcome.ConnectAgent)}' OR \"TeamRung\" IS NOT NULL " +
                "THEN 1 ELSE 0 END",
            $"CASE WHEN {Accepted} THEN 1 ELSE 0 END",
            $"CASE WHEN {AgentMissed} IN ({Names(CallOutcome.AgentDeclined, CallOutcome.AgentHungUp)}) " +
                "THEN 1 ELSE 0 END",
            $"CASE WHEN {AgentMissed} IN ({Names(
                CallOutcome.AgentNoAnswer,
                CallOutcome.AgentBusy,
                CallOutcome.AgentFailed,
                CallOutcome.AgentNoInput)}) THEN 1 ELSE 0 END",
            $"CASE WHEN {AgentMissed} = '{nameof(CallOutcome.CallerHungUp)}' THEN 1 ELSE 0 END",
            $"CASE WHEN {Forwarded} THEN 1 ELSE 0 END",
            $"CASE WHEN {Forwarded} AND ({afterAgent}) THEN 1 ELSE 0 END",
            $"CASE WHEN \"Outcome\" = '{nameof(CallOutcome.Rejected)}' THEN 1 ELSE 0 END",
            $"CASE WHEN {Accepted} THEN COALESCE(\"TalkSeconds\", 0) ELSE 0 END",
        ];
    }

    /// <summary>The accepted call's tenths of a second to accept, else NULL.</summary>
    internal static string AcceptTenths(bool postgres) =>
        $"CASE WHEN {Accepted} AND {AcceptedAt} IS NOT NULL THEN {Tenths(postgres)} END";

    /// <summary>
    /// Seconds to accept in tenths, as <see cref="ReportedCall.Tenths"/> counts them: whole milliseconds of each time
    /// (PostgreSQL keeps microseconds; SQLite keeps the text, whose first three decimals are read), then the
    /// difference rounded half up in integers. Floating point (julianday, round) could fall either side of a half.
    /// </summary>
    private static string Tenths(bool postgres)
    {
        if (postgres)
        {
            return $"floor(({PostgresMs(AcceptedAt)} - {PostgresMs("\"StartedAt\"")} + 50) / 100)::bigint";
        }

        var d = $"({SqliteMs(AcceptedAt)} - {SqliteMs("\"StartedAt\"")} + 50)";
        // Integer division truncates toward zero; this floors (a time to accept is never negative, but exactly so).
        return $"(({d} - ({d} % 100 + 100) % 100) / 100)";
    }

    private static string PostgresMs(string time) => $"floor(EXTRACT(EPOCH FROM {time}) * 1000)";

    private static string SqliteMs(string time) =>
        $"(CAST(strftime('%s', {time}) AS INTEGER) * 1000 + CAST(substr({time} || '000', 21, 3) AS INTEGER))";

    /// <summary>The UTC day of the call's start as <see cref="DateOnly.DayNumber"/>, and the first day of its
    /// month.</summary>
    private static (string Day, string Month) Periods(bool postgres) => postgres
        ? ("""(("StartedAt" AT TIME ZONE 'UTC')::date - DATE '0001-01-01')""",
           """(date_trunc('month', "StartedAt" AT TIME ZONE 'UTC')::date - DATE '0001-01-01')""")
        : ($"(CAST(strftime('%s', \"StartedAt\") AS INTEGER) / 86400 + {UnixEpochDay})",
           $"(CAST(strftime('%s', \"StartedAt\", 'start of month') AS INTEGER) / 86400 + {UnixEpochDay})");

    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>
    /// Counts every stored inbound call afresh: empties "CallReportDays" and "CallReportMonths" and fills the months
    /// in one INSERT … SELECT … GROUP BY (days from the calls, months from the days), writing the days and histograms
    /// in the format of <see cref="CountsBlob"/>. The migration that made the table ran it to count the calls stored
    /// before; the report benchmark runs it after filling the calls in bulk.
    /// </summary>
    public static string Recount(bool postgres)
    {
        var (day, month) = Periods(postgres);
        var names = ReportedCall.Columns.Select(c => c.ToLowerInvariant()).ToArray();
        var parts = string.Join(",\n", Counts().Zip(names, (expression, name) => $"{expression} AS {name}"));
        var list = string.Join(", ", names);
        var sums = string.Join(",\n", names.Select(n => $"SUM({n}) AS {n}"));
        var keyed = string.Join("\nUNION ALL ", new[] { "agent", "grp", "inbox" }.Select((key, grouping) =>
            $"SELECT org, {grouping} AS g, day, month, {key} AS k, {list}, tenths FROM inbound"));
        var columns = string.Join(", ", ReportedCall.Columns.Select(c => $"\"{c}\""));
        // 32-bit big-endian words: PostgreSQL sends them as bytea; SQLite writes hexadecimal digits, made a blob last.
        string Words(IEnumerable<string> values) => postgres
            ? string.Join(" || ", values.Select(v => $"int4send(CAST({v} AS integer))"))
            : $"printf('{string.Concat(values.Select(_ => "%08X"))}', " +
                string.Join(", ", values.Select(v => $"({v}) & 4294967295")) + ")";
        var concat = postgres ? "string_agg({0}, ''::bytea)" : "group_concat({0}, '')";
        string Concat(string value) => string.Format(CultureInfo.InvariantCulture, concat, value);
        var empty = postgres ? "''::bytea" : "''";
        string Blob(string value) => postgres ? value : $"unhex({value})";
        var dayWords = Words(new[] { "d.day - d.month + 1" }.Concat(names.Select(n => $"d.{n}"))
            .Append("COALESCE(h.pairs, 0)"));
        return $"""
            DELETE FROM "CallReportDays";
            DELETE FROM "CallReportMonths";
            WITH inbound AS (
                SELECT "OrganizationId" AS org, {day} AS day, {month} AS month,
                       COALESCE("TeamAgentId", "AgentId", 0) AS agent,
                       COALESCE("GroupId", 0) AS grp, COALESCE("InboxId", 0) AS inbox, {parts},
                       {AcceptTenths(postgres)} AS tenths
                FROM "Calls"
                WHERE "Direction" = '{nameof(CallDirection.Inbound)}' AND "OrganizationId" IS NOT NULL
            ),
            keyed AS ({keyed}),
            days AS (SELECT org, g, day, month, k, {sums} FROM keyed GROUP BY org, g, day, month, k),
            day_tenths AS (
                SELECT org, g, day, month, k, tenths, COUNT(*) AS n FROM keyed WHERE tenths IS NOT NULL
                GROUP BY org, g, day, month, k, tenths
            ),
            day_histograms AS (
                SELECT org, g, day, k, COUNT(*) AS pairs, {Concat(Words(["tenths", "n"]))} AS h
                FROM day_tenths GROUP BY org, g, day, k
            ),
            month_tenths AS (
                SELECT org, g, month, k, tenths, SUM(n) AS n FROM day_tenths GROUP BY org, g, month, k, tenths
            ),
            month_histograms AS (
                SELECT org, g, month, k, {Concat(Words(["tenths", "n"]))} AS h
                FROM month_tenths GROUP BY org, g, month, k
            ),
            day_entries AS (
                SELECT d.org, d.g, d.month, d.k, {string.Join(", ", names.Select(n => $"d.{n}"))},
                       {dayWords} || COALESCE(h.h, {empty}) AS e
                FROM days d
                LEFT JOIN day_histograms h ON h.org = d.org AND h.g = d.g AND h.day = d.day AND h.k = d.k
            ),
            months AS (
                SELECT org, g, month, k, {sums}, {Concat("e")} AS days FROM day_entries GROUP BY org, g, month, k
            )
            INSERT INTO "CallReportMonths" ("OrganizationId", "Grouping", "Month", "Key", {columns},
                "AcceptTenths", "Days")
            SELECT m.org, m.g, m.month, m.k, {string.Join(", ", names.Select(n => $"m.{n}"))},
                {Blob($"COALESCE(h.h, {empty})")}, {Blob("m.days")}
            FROM months m
            LEFT JOIN month_histograms h ON h.org = m.org AND h.g = m.g AND h.month = m.month AND h.k = m.k;
            """;
    }

    private static string Names(params CallOutcome[] outcomes) => string.Join(", ", outcomes.Select(o => $"'{o}'"));
}
