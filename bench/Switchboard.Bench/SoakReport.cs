using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// The soak's JSON result: settings, per-minute latency, RSS samples, counts, checks and the machine's load.
/// </summary>
internal static class Report
{
    public static JsonObject Build(
        Args options, Run run, RssSampler rss, SoakReceiver receiver, List<Check> checks, int callRate, int eventRate,
        double eventsDrainSeconds)
    {
        var samples = rss.Samples.ToArray();
        checks.AddRange(run.Instances.Select((_, i) => RssFlat(samples, i, run.Length.TotalSeconds)));
        var seconds = run.Length.TotalSeconds;
        var webhooks = run.Latency.Minutes(ingestion: false);
        return new JsonObject
        {
            ["what"] = "soak: two instances on one PostgreSQL; calls walked through screening and status callbacks, " +
                "message events through the ingestion API, call events to a signing-checking receiver",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["uptimeBefore"] = options.Get("uptime-before", ""),
                ["loadavg1Samples"] =
                    new JsonArray(samples.Select(s => (JsonNode)s["loadavg1"]!.GetValue<double>()).ToArray()),
            },
            ["settings"] = new JsonObject
            {
                ["minutes"] = seconds / 60,
                ["targetCallsPerSecond"] = callRate,
                ["targetEventsPerSecond"] = eventRate,
                ["rampSeconds"] = run.Ramp.TotalSeconds,
                ["instances"] = new JsonArray(run.Instances.Select(i => (JsonNode)i.Url).ToArray()),
                ["appSettings"] = options.Get("app-settings", ""),
            },
            ["summary"] = new JsonObject
            {
                ["callsStarted"] = run.CallsStarted,
                ["callsWalkedToTheEnd"] = run.Expected.Count,
                ["callsNotStartedTooManyInFlight"] = run.CallsNotStarted,
                ["sustainedCallsPerSecond"] = Math.Round(run.CallsStarted / seconds, 1),
                ["webhookRequests"] = run.Requests,
                ["webhooksPerSecond"] = Math.Round(run.Requests / seconds, 1),
                ["messageEventsSent"] = run.MessagesSent,
                ["messageEventsAccepted"] = run.MessagesAccepted,
                ["batchesNotStartedTooManyInFlight"] = run.BatchesNotStarted,
                ["sustainedEventsPerSecond"] = Math.Round(run.MessagesAccepted / seconds, 1),
                ["callEventsReceived"] = receiver.Events.Count,
                ["callEventDuplicates"] = receiver.Duplicates,
                ["secondsFromLoadEndToLastEvent"] = Math.Round(eventsDrainSeconds, 1),
                ["webhookP99MsWorstMinute"] = webhooks.Max(m => m!["p99Ms"]!.GetValue<double>()),
                ["sessionsWaitingOnLocksMax"] = samples.Max(s => s["sessionsWaitingOnLocks"]!.GetValue<long>()),
                ["checksPassed"] = checks.All(c => c.Passed),
            },
            ["checks"] = new JsonArray(checks.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["passed"] = c.Passed,
                ["detail"] = c.Detail,
            }).ToArray()),
            ["wrongAnswerSamples"] = new JsonArray(run.WrongSamples.Select(s => (JsonNode)s).ToArray()),
            ["webhooksPerMinute"] = webhooks,
            ["ingestionPerMinute"] = run.Latency.Minutes(ingestion: true),
            ["rssSamples"] = new JsonArray(samples.Select(s => (JsonNode)s.DeepClone()).ToArray()),
        };
    }

    /// <summary>
    /// RSS is flat when the mean of the last third of the run is within 10 % of the mean of the third after the
    /// warm-up (the first sixth): for 30 minutes, minutes 20–30 against minutes 5–15.
    /// </summary>
    private static Check RssFlat(JsonObject[] samples, int instance, double seconds)
    {
        double Mean(double from, double to) => samples
            .Where(s => s["second"]!.GetValue<double>() >= from && s["second"]!.GetValue<double>() < to)
            .Select(s => s["rssMb"]![instance]!.GetValue<double>())
            .DefaultIfEmpty(0)
            .Average();
        var first = Mean(seconds / 6, seconds / 2);
        var last = Mean(seconds * 2 / 3, seconds + 1);
        var change = first == 0 ? 0 : (last - first) / first;
        return new Check(
            $"instance {instance + 1}: RSS flat (last third within 10 % of the third after warm-up)",
            Math.Abs(change) <= 0.10,
            $"{first:F0} MB → {last:F0} MB ({change:+0.0%;-0.0%})");
    }
}

/// <summary>A hand-written SVG: webhook p99 per minute and RSS over time, one line per instance.</summary>
internal static class SoakChart
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728"];

    public static string Svg(JsonObject result)
    {
        var minutes = result["webhooksPerMinute"]!.AsArray();
        var samples = result["rssSamples"]!.AsArray();
        var instances = samples.Count == 0 ? 0 : samples[0]!["rssMb"]!.AsArray().Count;
        var length = result["settings"]!["minutes"]!.GetValue<double>();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="760" height="560" """ +
            $"""font-family="sans-serif" font-size="12">""");
        svg.Append("""<rect width="760" height="560" fill="white"/>""");
        var p99 = Enumerable.Range(0, instances).Select(i => minutes
            .Where(m => m!["instance"]!.GetValue<int>() == i)
            .Select(m => (m!["minute"]!.GetValue<int>() + 0.5, m["p99Ms"]!.GetValue<double>())).ToList()).ToList();
        Panel(svg, 20, "Webhook p99 per minute (ms)", length, p99, (1500, "answer budget, 1.5 s"));
        var rss = Enumerable.Range(0, instances).Select(i => samples
            .Select(s => (s!["second"]!.GetValue<double>() / 60, s["rssMb"]![i]!.GetValue<double>())).ToList())
            .ToList();
        Panel(svg, 290, "RSS (MB), sampled every 5 s", length, rss);
        for (var i = 0; i < instances; i++)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{560 + i * 100}" y="14" fill="{Colors[i % 2]}">instance {i + 1}</text>""");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void Panel(
        StringBuilder svg, double top, string title, double minutes, List<List<(double X, double Y)>> lines,
        (double Y, string Label)? mark = null)
    {
        const double left = 60, width = 670, height = 210;
        // Calls started before the end finish after it: the axis runs to the last point.
        minutes = Math.Max(minutes, lines.SelectMany(l => l).Select(p => p.X).DefaultIfEmpty(0).Max());
        var highest = Math.Max(mark?.Y ?? 1, lines.SelectMany(l => l).Select(p => p.Y).DefaultIfEmpty(1).Max());
        // Four steps of 1, 2 or 5 times a power of ten.
        var unit = Math.Pow(10, Math.Floor(Math.Log10(highest / 4)));
        var ratio = highest / 4 / unit;
        var tick = unit * (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10);
        var maxY = tick * 4;
        var x = (double v) => left + v / Math.Max(minutes, 0.1) * width;
        var y = (double v) => top + 20 + height - v / maxY * height;
        svg.Append(
            CultureInfo.InvariantCulture, $"""<text x="{left}" y="{top + 12}" font-weight="bold">{title}</text>""");
        svg.Append(CultureInfo.InvariantCulture,
            $"""<rect x="{left}" y="{top + 20}" width="{width}" height="{height}" fill="none" stroke="#999"/>""");
        for (var t = 0; t <= 4; t++)
        {
            var v = maxY * t / 4;
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{left - 6}" y="{y(v) + 4:F1}" text-anchor="end">{v:0.#}</text>""");
        }

        if (mark is { } line)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"""<line x1="{left}" x2="{left + width}" y1="{y(line.Y):F1}" y2="{y(line.Y):F1}" stroke="#888" """ +
                $"""stroke-dasharray="4 3"/>""" +
                $"""<text x="{left + 4}" y="{y(line.Y) - 4:F1}" fill="#666">{line.Label}</text>""");
        }

        var step = minutes > 10 ? 5 : 1;
        for (var m = 0; m <= minutes + 0.01; m += step)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="{x(m):F1}" y="{top + height + 34}" text-anchor="middle">{m} min</text>""");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var points = string.Join(' ', lines[i].Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{x(p.X):F1},{y(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture,
                $"""<polyline fill="none" stroke="{Colors[i % 2]}" stroke-width="1.5" points="{points}"/>""");
        }
    }
}
