using System.Globalization;

namespace Switchboard.Reports;

/// <summary>
/// A horizontal stacked bar per row of the call report, drawn by the page as SVG (no script, no library): each call of
/// the row falls in exactly one part — taken by the agent, declined, missed, abandoned, forwarded without an agent,
/// rejected, or other (nobody available, still ringing) — so a bar's length is the row's calls.
/// </summary>
public sealed record ReportChart(IReadOnlyList<ChartBar> Bars, int Scale)
{
    public const int LabelWidth = 160;
    public const int BarsWidth = 480;
    public const int BarHeight = 22;
    public const int Gap = 8;

    public static readonly IReadOnlyList<(string Kind, string Label)> Parts =
    [
        ("accepted", "accepted"), ("declined", "declined"), ("missed", "missed"), ("abandoned", "abandoned"),
        ("forwarded", "forwarded without an agent"), ("rejected", "rejected"), ("other", "other"),
    ];

    public int Height => Bars.Count * (BarHeight + Gap) + Gap;

    public static ReportChart For(CallReport report)
    {
        var scale = Math.Max(1, report.Rows.Select(r => r.Calls).DefaultIfEmpty(0).Max());
        var bars = report.Rows.Select((row, i) =>
        {
            var counts = new[]
            {
                row.Accepted, row.Declined, row.Missed, row.Abandoned, row.Forwarded - row.ForwardedAfterAgent,
                row.Rejected,
            };
            var all = counts.Append(Math.Max(0, row.Calls - counts.Sum())).ToArray();
            var x = 0.0;
            var segments = new List<ChartSegment>();
            for (var p = 0; p < Parts.Count; p++)
            {
                if (all[p] == 0)
                {
                    continue;
                }

                var width = (double)all[p] / scale * BarsWidth;
                segments.Add(new ChartSegment(Parts[p].Kind, Parts[p].Label, all[p], LabelWidth + x, width));
                x += width;
            }

            var label = row.Id is null ? CallReportCsv.NoneLabel(report.GroupBy) : row.Name ?? $"#{row.Id}";
            return new ChartBar(label, row.Calls, Gap + i * (BarHeight + Gap), segments);
        }).ToList();
        return new ReportChart(bars, scale);
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

public sealed record ChartBar(string Label, int Calls, int Y, IReadOnlyList<ChartSegment> Segments);

public sealed record ChartSegment(string Kind, string Label, int Count, double X, double Width);
