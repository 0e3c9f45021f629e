using System.Globalization;
using System.Text;

namespace Switchboard.Reports;

/// <summary>
/// The call report as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote or
/// a line break, quotes doubled). A name that a spreadsheet would read as a formula (starting with = + - @, a tab or a
/// carriage return) is written with a leading apostrophe, so opening the file never runs it. Hand-written: it is
/// these few lines, and the quoting and the neutralising are tested directly.
/// </summary>
public static class CallReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly string[] Header =
    [
        "id", "name", "calls", "offered", "accepted", "declined", "missed", "abandoned", "forwarded",
        "forwarded_after_agent", "rejected", "median_seconds_to_accept", "talk_seconds", "average_talk_seconds",
        "voicemails",
    ];

    public static string FileName(CallReport report) => string.Create(CultureInfo.InvariantCulture,
        $"calls-by-{report.GroupBy}-{report.From:yyyy-MM-dd}-to-{report.To.AddTicks(-1):yyyy-MM-dd}.csv");

    public static string Write(CallReport report)
    {
        var csv = new StringBuilder();
        Line(csv, Header);
        foreach (var row in report.Rows)
        {
            Line(csv, Fields(row, row.Id is null ? NoneLabel(report.GroupBy) : row.Name ?? ""));
        }

        Line(csv, Fields(report.Totals, "Total"));
        return csv.ToString();
    }

    /// <summary>How the panel and the CSV name the row of calls that had no agent, group or inbox.</summary>
    public static string NoneLabel(string groupBy) => $"(no {groupBy})";

    /// <summary>A field as RFC 4180 writes it, neutralised against formula injection.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static string[] Fields(CallReportRow row, string name) =>
    [
        Number(row.Id), name, Number(row.Calls), Number(row.Offered), Number(row.Accepted), Number(
            row.Declined), Number(
            row.Missed),
        Number(row.Abandoned), Number(row.Forwarded), Number(row.ForwardedAfterAgent), Number(row.Rejected), Number(
            row.MedianSecondsToAccept), Number(row.TalkSeconds),
        Number(row.AverageTalkSeconds), Number(row.Voicemails),
    ];

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Number(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "";

    private static void Line(StringBuilder csv, string[] fields) =>
        csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
}
