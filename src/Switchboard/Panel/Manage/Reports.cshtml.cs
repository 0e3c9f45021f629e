using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Switchboard.Reports;

namespace Switchboard.Panel.Manage;

/// <summary>Call analytics: a range of UTC days, a grouping, a table with totals, a chart and the CSV.</summary>
public sealed class ReportsModel(CallReports reports) : PanelPage
{
    public static readonly IReadOnlyList<(string Value, string Label)> Groupings =
    [
        ("agent", "Agent"),
        ("group", "Group"),
        ("inbox", "Inbox"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? GroupBy { get; set; }

    public CallReport? Report { get; private set; }

    public ReportChart? Chart { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var query = new CallReportQuery { From = From, To = To, GroupBy = GroupBy };
        var report = await reports.ReportAsync(OrganizationId, query, ct);
        if (!report.Done)
        {
            return Refused(report.Refusal);
        }

        Report = report.Value!;
        Chart = ReportChart.For(Report);
        From = $"{Report.From:yyyy-MM-dd}";
        To = $"{Report.To.AddTicks(-1):yyyy-MM-dd}";
        GroupBy = Report.GroupBy;
        return Page();
    }

    /// <summary>The same report as a CSV file.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var query = new CallReportQuery { From = From, To = To, GroupBy = GroupBy };
        var report = await reports.ReportAsync(OrganizationId, query, ct);
        if (!report.Done)
        {
            return Refused(report.Refusal);
        }

        return File(
            Encoding.UTF8.GetBytes(CallReportCsv.Write(report.Value!)),
            CallReportCsv.ContentType,
            CallReportCsv.FileName(report.Value!));
    }

    public string CsvUrl => QueryHelpers.AddQueryString("/panel/reports", new Dictionary<string, string?>
    {
        ["handler"] = "Csv", ["From"] = From, ["To"] = To, ["GroupBy"] = GroupBy,
    });

    public string RowName(CallReportRow row) =>
        row.Id is null ? CallReportCsv.NoneLabel(Report!.GroupBy) : row.Name ?? $"#{row.Id}";

    public static string Seconds(double? seconds) => seconds is { } s ? $"{s:0.#} s" : "–";

    public static string Duration(long seconds) => seconds < 60 ? $"{seconds} s" : seconds < 3600
        ? $"{seconds / 60} min {seconds % 60} s"
        : $"{seconds / 3600} h {seconds % 3600 / 60} min";
}
