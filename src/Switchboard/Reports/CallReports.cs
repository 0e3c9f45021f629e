using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Admin;
using Switchboard.Calls;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Reports;

public enum ReportGrouping { Agent, Group, Inbox }

/// <summary>The report's parameters as written in a query string; every one may be left out.</summary>
public sealed record CallReportQuery(string? From = null, string? To = null, string? GroupBy = null);

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
    double? AverageTalkSeconds);

/// <summary><see cref="To"/> is exclusive: the report covers calls that started at or after From and before To.</summary>
public sealed record CallReport(DateTime From, DateTime To, string GroupBy, IReadOnlyList<CallReportRow> Rows, CallReportRow Totals);

/// <summary>
/// Call analytics over inbound calls that started in a range, per agent, group or inbox. The counts are one grouped
/// query over the organization's calls in the range (index on OrganizationId, StartedAt); the medians are computed
/// here from the seconds-to-accept of the accepted calls only, which the database computes and sends as one number
/// per call, so the same code serves SQLite (no median function) and PostgreSQL.
/// </summary>
public sealed class CallReports(SwitchboardDb db, TimeProvider clock)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

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
        var end = to ?? (from is { } f ? f.AddDays(DefaultDays) : today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
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

    public async Task<CallReport> ReportAsync(long orgId, ReportRange range, CancellationToken ct)
    {
        var counts = await CountsAsync(orgId, range, ct);
        var delays = await SecondsToAcceptAsync(orgId, range, ct);
        var names = await NamesAsync(range.GroupBy, counts.Select(c => c.Key).OfType<long>().ToList(), ct);

        var rows = counts
            .Select(c => Row(c.Key, c.Key is { } id ? names.GetValueOrDefault(id) : null, c, Median(delays.GetValueOrDefault(c.Key ?? NoKey))))
            .OrderBy(r => r.Id is null)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Id)
            .ToList();
        var all = new Counts(
            null,
            counts.Sum(c => c.Calls),
            counts.Sum(c => c.Offered),
            counts.Sum(c => c.Accepted),
            counts.Sum(c => c.Declined),
            counts.Sum(c => c.Missed),
            counts.Sum(c => c.Abandoned),
            counts.Sum(c => c.Forwarded),
            counts.Sum(c => c.ForwardedAfterAgent),
            counts.Sum(c => c.Rejected),
            counts.Sum(c => c.TalkSeconds));
        var totals = Row(null, null, all, Median(delays.Values.SelectMany(d => d).ToList()));
        return new CallReport(range.From, range.To, EnumNames.Name(range.GroupBy), rows, totals);
    }

    private const long NoKey = long.MinValue;

    private IQueryable<CallRecord> Inbound(long orgId, ReportRange range) =>
        db.Calls.AsNoTracking().Where(c =>
            c.OrganizationId == orgId && c.StartedAt >= range.From && c.StartedAt < range.To && c.Direction == CallDirection.Inbound);

    private async Task<List<Counts>> CountsAsync(long orgId, ReportRange range, CancellationToken ct)
    {
        var calls = Inbound(orgId, range);
        var grouped = range.GroupBy switch
        {
            ReportGrouping.Group => calls.GroupBy(c => c.GroupId),
            ReportGrouping.Inbox => calls.GroupBy(c => c.InboxId),
            _ => calls.GroupBy(c => c.AgentId),
        };
        return await grouped.Select(g => new Counts(
                g.Key,
                g.Count(),
                g.Count(c => c.Decision == RoutingOutcome.ConnectAgent),
                g.Count(c => c.AgentOutcome == CallOutcome.Connected),
                g.Count(c => c.AgentOutcome == CallOutcome.AgentDeclined || c.AgentOutcome == CallOutcome.AgentNoInput || c.AgentOutcome == CallOutcome.AgentHungUp),
                g.Count(c => c.AgentOutcome == CallOutcome.AgentNoAnswer || c.AgentOutcome == CallOutcome.AgentBusy || c.AgentOutcome == CallOutcome.AgentFailed),
                g.Count(c => c.AgentOutcome == CallOutcome.CallerHungUp),
                g.Count(c => c.Outcome == CallOutcome.Forwarded),
                g.Count(c => c.Outcome == CallOutcome.Forwarded && c.FallbackStartedAt != null),
                g.Count(c => c.Outcome == CallOutcome.Rejected),
                g.Sum(c => c.AgentOutcome == CallOutcome.Connected ? (long)(c.TalkSeconds ?? 0) : 0L)))
            .ToListAsync(ct);
    }

    /// <summary>ScreenedAt − StartedAt of each accepted call, in seconds, by row.</summary>
    private async Task<Dictionary<long, List<double>>> SecondsToAcceptAsync(long orgId, ReportRange range, CancellationToken ct)
    {
        var column = range.GroupBy switch
        {
            ReportGrouping.Group => "GroupId",
            ReportGrouping.Inbox => "InboxId",
            _ => "AgentId",
        };
        var seconds = db.Database.IsNpgsql()
            ? """EXTRACT(EPOCH FROM ("ScreenedAt" - "StartedAt"))::double precision"""
            : """(julianday("ScreenedAt") - julianday("StartedAt")) * 86400.0""";
        var sql = $"""
            SELECT "{column}", {seconds}
            FROM "Calls"
            WHERE "OrganizationId" = @org AND "StartedAt" >= @from AND "StartedAt" < @to
              AND "Direction" = 'Inbound' AND "AgentOutcome" = 'Connected' AND "ScreenedAt" IS NOT NULL
            """;

        // A plain reader: EF's materialization of each row cost more than the database's work (~4 µs a row).
        var delays = new Dictionary<long, List<double>>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            Parameter(command, "@org", orgId);
            Parameter(command, "@from", range.From);
            Parameter(command, "@to", range.To);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = reader.IsDBNull(0) ? NoKey : reader.GetInt64(0);
                if (!delays.TryGetValue(key, out var list))
                {
                    delays[key] = list = [];
                }

                list.Add(reader.GetDouble(1));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return delays;
    }

    private async Task<Dictionary<long, string>> NamesAsync(ReportGrouping grouping, List<long> ids, CancellationToken ct) => grouping switch
    {
        ReportGrouping.Group => await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct),
        ReportGrouping.Inbox => await db.Inboxes.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct),
        _ => await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct),
    };

    private static CallReportRow Row(long? id, string? name, Counts c, double? median) => new(
        id,
        name,
        c.Calls,
        c.Offered,
        c.Accepted,
        c.Declined,
        c.Missed,
        c.Abandoned,
        c.Forwarded,
        c.ForwardedAfterAgent,
        c.Rejected,
        median,
        c.TalkSeconds,
        c.Accepted == 0 ? null : Math.Round((double)c.TalkSeconds / c.Accepted, 1));

    /// <summary>The middle value (the mean of the two middle ones for an even count), to a tenth of a second.</summary>
    internal static double? Median(List<double>? values)
    {
        if (values is null || values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var middle = values.Count / 2;
        var median = values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        return Math.Round(median, 1, MidpointRounding.AwayFromZero);
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

        if (DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.UtcDateTime;
        }

        errors[field] = [DateMessage];
        return null;
    }

    private sealed record Counts(
        long? Key, int Calls, int Offered, int Accepted, int Declined, int Missed, int Abandoned, int Forwarded, int ForwardedAfterAgent, int Rejected, long TalkSeconds);

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The report's range: from inclusive, to exclusive, both UTC.</summary>
public sealed record ReportRange(DateTime From, DateTime To, ReportGrouping GroupBy);
