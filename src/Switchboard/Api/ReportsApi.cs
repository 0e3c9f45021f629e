using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Reports;

namespace Switchboard.Api;

public static class ReportsApi
{
    public static void MapReports(this RouteGroupBuilder organization)
    {
        organization.MapGet("/reports/calls", Calls).Allow(CallerRole.Admin)
            .WithName("GetCallReport").WithSummary("Count inbound calls per agent, group or inbox over a range");
        organization.MapGet("/reports/calls.csv", Csv).Allow(CallerRole.Admin)
            .WithName("GetCallReportCsv").WithSummary("The call report as CSV");
    }

    /// <summary>
    /// Inbound calls per agent, group or inbox over a range; JSON, or CSV when the request accepts <c>text/csv</c>.
    /// </summary>
    private static async Task<Results<Ok<CallReport>, FileContentHttpResult, ProblemHttpResult>> Calls(
        long orgId, [AsParameters] CallReportQuery query, HttpContext http, CallReports reports, CancellationToken ct)
    {
        var report = await reports.ReportAsync(orgId, query, ct);
        if (!report.Done)
        {
            return Problems.For(report.Refusal);
        }

        var wantsCsv = http.Request.GetTypedHeaders()
            .Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv ? File(report.Value!) : TypedResults.Ok(report.Value);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Csv(
        long orgId, [AsParameters] CallReportQuery query, CallReports reports, CancellationToken ct)
    {
        var report = await reports.ReportAsync(orgId, query, ct);
        return report.Done ? File(report.Value!) : Problems.For(report.Refusal);
    }

    internal static FileContentHttpResult File(CallReport report) =>
        TypedResults.File(
            Encoding.UTF8.GetBytes(CallReportCsv.Write(report)),
            CallReportCsv.ContentType,
            CallReportCsv.FileName(report));
}
