using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// The call report's latency: fills the store with many inbound call records at once (one INSERT … SELECT over a
/// generated series, straight into the database: no API makes calls in bulk, and signed webhooks would take hours
/// for 10M), then times <c>GET …/reports/calls</c> through HTTP as an admin would ask for it.
/// </summary>
internal static class CallReportBench
{
    private const int Groups = 200;
    private const int Inboxes = 2;
    private const int Agents = 5_000;
    private const int SpreadDays = 365;

    /// <summary>
    /// <c>--fill-calls N --db Sqlite|Postgres --connection CS</c>: an organization, groups, inboxes and agents through
    /// the API, then N calls spread evenly over the last 365 days: 5 % inbox forwards, 5 % rejections, the rest offered
    /// to an agent (of those 60 % accepted after 3–22 s, 10 % declined, 10 % not answered, 10 % busy, 10 % abandoned).
    /// </summary>
    public static async Task FillAsync(HttpClient http, Args options, string outDir)
    {
        var calls = long.Parse(options.Get("fill-calls"), CultureInfo.InvariantCulture);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            options.Get("operator-token"));
        var orgId = (await Api.Post(http, "/api/v1/organizations", new { name = "Bench calls" }))["id"]!
            .GetValue<long>();
        var adminKey = (await Api.Post(
            http,
            $"/api/v1/organizations/{orgId}/api-keys",
            new { name = "bench", role = "admin" }))["key"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var org = $"/api/v1/organizations/{orgId}";
        var groupIds = new List<long>();
        for (var g = 0; g < Groups; g++)
        {
            groupIds.Add((await Api.Post(http, $"{org}/groups", new { name = $"Group {g}" }))["id"]!.GetValue<long>());
        }

        var inboxIds = new List<long>();
        for (var i = 0; i < Inboxes; i++)
        {
            inboxIds.Add((await Api.Post(http, $"{org}/inboxes", new { name = $"Inbox {i}" }))["id"]!.GetValue<long>());
        }

        var agentIds = new long[Agents];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Agents),
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (a, _) =>
                agentIds[a] = (await Api.Post(
                    http,
                    $"{org}/agents",
                    new
                    {
                        name = $"Agent {a}",
                        email = $"agent{a}@bench.example.org",
                        phone = Numbers.Agent(a),
                    }))["id"]!.GetValue<long>());
        Contiguous(groupIds, "groups");
        Contiguous(inboxIds, "inboxes");
        Contiguous(agentIds, "agents");

        var postgres = options.Get("db") == "Postgres";
        await using DbConnection db = postgres
            ? new NpgsqlConnection(options.Get("connection"))
            : new SqliteConnection(options.Get("connection"));
        await db.OpenAsync();
        var end = DateTime.UtcNow;
        var start = end.AddDays(-SpreadDays);
        var fill = Stopwatch.StartNew();
        await using (var insert = db.CreateCommand())
        {
            insert.CommandTimeout = 0;
            insert.CommandText = Insert(postgres, calls, orgId, groupIds.Min(), inboxIds.Min(), agentIds.Min(), start);
            await insert.ExecuteNonQueryAsync();
        }

        var fillSeconds = fill.Elapsed.TotalSeconds;

        // The calls went in around the app: count them as the migration that made the counts does. A store made by a
        // build without the counts (main, for the "before" figures) has no such table: its migration counts them when
        // the newer build first starts on this store.
        double? recountSeconds = null;
        if (await HasCountsAsync(db, postgres))
        {
            var recount = Stopwatch.StartNew();
            await using var count = db.CreateCommand();
            count.CommandTimeout = 0;
            count.CommandText = Switchboard.Reports.CallReportSql.Recount(postgres);
            await count.ExecuteNonQueryAsync();
            recountSeconds = recount.Elapsed.TotalSeconds;
        }
        await using (var analyze = db.CreateCommand())
        {
            analyze.CommandTimeout = 0;
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
        }

        Console.WriteLine(
            $"calls: {calls:N0} inbound call records over {SpreadDays} days in {fillSeconds:F0} s, " +
            (recountSeconds is { } r
                ? $"counted for reports in {r:F0} s"
                : "NOT counted: this store has no CallReportMonths (an older build's store: run that build's " +
                    "recount, its migration's SQL, before timing it, or its reports from counts read nothing)"));
        await File.WriteAllTextAsync(
            Path.Combine(outDir, "report-org.json"),
            JsonSerializer.Serialize(new { orgId, adminKey, calls, fillSeconds, recountSeconds }));
    }

    /// <summary>
    /// <c>--time-report true</c>: the report for the last 30 and 365 days (by agent, group, inbox), 7 and 92 days (by
    /// agent), each asked once to warm up and then <c>--report-runs</c> times; prints and writes report-latency.json.
    /// </summary>
    public static async Task TimeAsync(HttpClient http, Args options, string outDir)
    {
        var org = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "report-org.json")))!;
        var orgId = org["orgId"]!.GetValue<long>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            org["adminKey"]!.GetValue<string>());
        var runs = int.Parse(options.Get("report-runs", "5"), CultureInfo.InvariantCulture);
        var today = DateTime.UtcNow.Date;
        var results = new JsonArray();
        foreach (var (days, groupBy) in new[]
        {
            (30, "agent"),
            (30, "group"),
            (30, "inbox"),
            (7, "agent"),
            (92, "agent"),
            (365, "agent"),
            (365, "group"),
            (365, "inbox"),
        })
        {
            var path =
                $"/api/v1/organizations/{orgId}/reports/calls?from={today.AddDays(1 - days):yyyy-MM-dd}&" +
                $"to={today:yyyy-MM-dd}&groupBy={groupBy}";
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            using (var first = await http.GetAsync(path))
            {
                if (first.StatusCode == System.Net.HttpStatusCode.BadRequest)
                {
                    // The build under test does not allow this range (main: at most 92 days): say so and go on.
                    results.Add(new JsonObject
                    {
                        ["days"] = days,
                        ["groupBy"] = groupBy,
                        ["refused"] = await first.Content.ReadAsStringAsync(),
                    });
                    Console.WriteLine($"report: {days,3} days by {groupBy,-5}: refused (400)");
                    continue;
                }
            }

            var (_, report) = await AskAsync(http, path);
            var timings = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                timings.Add((await AskAsync(http, path)).Ms);
            }

            timings.Sort();
            var totals = report["totals"]!;
            var result = new JsonObject
            {
                ["days"] = days,
                ["groupBy"] = groupBy,
                ["callsInRange"] = totals["calls"]!.GetValue<int>(),
                ["rows"] = report["rows"]!.AsArray().Count,
                ["medianMs"] = Math.Round(timings[timings.Count / 2], 1),
                ["maxMs"] = Math.Round(timings[^1], 1),
                ["load1"] = load,
            };
            results.Add(result);
            Console.WriteLine(
                $"report: {days,3} days by {groupBy,-5}: {result["callsInRange"]!.GetValue<int>(),10:N0} " +
                $"calls, {result["rows"],5} rows, " +
                    $"median {result["medianMs"]} ms, max {result["maxMs"]} ms ({runs} runs)");
        }

        await File.WriteAllTextAsync(Path.Combine(outDir, "report-latency.json"), results.ToJsonString());
    }

    private static async Task<bool> HasCountsAsync(DbConnection db, bool postgres)
    {
        await using var command = db.CreateCommand();
        command.CommandText = postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'CallReportMonths'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'CallReportMonths'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<(double Ms, JsonNode Report)> AskAsync(HttpClient http, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        var ms = watch.Elapsed.TotalMilliseconds;
        return response.IsSuccessStatusCode
            ? (ms, JsonNode.Parse(text)!)
            : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    }

    private static void Contiguous(IReadOnlyCollection<long> ids, string what)
    {
        if (ids.Max() - ids.Min() + 1 != ids.Count)
        {
            throw new InvalidOperationException($"The bench's {what} must have contiguous ids in a fresh store");
        }
    }

    private static string Insert(
        bool postgres,
        long calls,
        long orgId,
        long firstGroup,
        long firstInbox,
        long firstAgent,
        DateTime start)
    {
        var inv = CultureInfo.InvariantCulture;
        // x is the call's number; k picks what happened to it, decorrelated from the agent and the group.
        var series = postgres
            ? $"generate_series(0::bigint, {calls - 1}) AS s(x)"
            : $"(WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {calls - 1}) " +
                "SELECT x FROM n) AS s";
        var startedAt = postgres
            ? $"(TIMESTAMPTZ '{start:yyyy-MM-dd HH:mm:ss}+00' + x " +
                $"* {SpreadDays * 86400.0 / calls:R} * INTERVAL '1 second')"
            : $"datetime('{start:yyyy-MM-dd HH:mm:ss}', '+' || CAST(x * {SpreadDays * 86400.0 / calls:R} AS INTEGER) " +
                "|| ' seconds')";
        var screenedAt = postgres
            ? $"{startedAt} + (3 + x % 20) * INTERVAL '1 second'"
            : $"datetime('{start:yyyy-MM-dd HH:mm:ss}', '+' || (CAST(x * {SpreadDays * 86400.0 / calls:R} AS " +
                "INTEGER) + 3 + x % 20) || ' seconds')";
        var text = postgres ? "x::text" : "x";
        return string.Create(inv, $"""
            INSERT INTO "Calls" ("CallSid", "OrganizationId", "Direction", "PlatformNumber", "GroupId", "InboxId",
                                 "Decision", "Reason", "Explanation", "AgentId", "AgentOutcome", "Outcome",
                                 "StartedAt", "ScreenedAt", "TalkSeconds", "RejectedWithMessage", "Version")
            SELECT 'CAbench' || {text}, {orgId}, 'Inbound', '+12025550000',
                   CASE WHEN x % 20 = 0 THEN NULL ELSE {firstGroup} + x % {Groups} END,
                   CASE WHEN x % 20 = 0 THEN {firstInbox} + x % {Inboxes} ELSE NULL END,
                   CASE x % 20 WHEN 0 THEN 'Forward' WHEN 1 THEN 'Reject' ELSE 'ConnectAgent' END,
                   CASE x % 20 WHEN 0 THEN 'InboxForwards' WHEN 1 THEN 'NeverTextedFromGroup'
                       ELSE 'LastAgentByOrganization' END,
                   'bench',
                   CASE WHEN x % 20 < 2 THEN NULL ELSE {firstAgent} + (x * 7919) % {Agents} END,
                   CASE WHEN x % 20 < 2 THEN NULL ELSE
                       CASE (x / 20) % 10 WHEN 6 THEN 'AgentDeclined' WHEN 7 THEN 'AgentNoAnswer'
                           WHEN 8 THEN 'AgentBusy' WHEN 9 THEN 'CallerHungUp' ELSE 'Connected' END END,
                   CASE x % 20 WHEN 0 THEN 'Forwarded' WHEN 1 THEN 'Rejected' ELSE
                       CASE (x / 20) % 10 WHEN 6 THEN 'AgentDeclined' WHEN 7 THEN 'AgentNoAnswer'
                           WHEN 8 THEN 'AgentBusy' WHEN 9 THEN 'CallerHungUp' ELSE 'Connected' END END,
                   {startedAt},
                   CASE WHEN x % 20 >= 2 AND (x / 20) % 10 < 6 THEN {screenedAt} ELSE NULL END,
                   CASE WHEN x % 20 = 0 OR (x % 20 >= 2 AND (x / 20) % 10 < 6) THEN 30 + x % 600 ELSE NULL END,
                   FALSE, 1
            FROM {series}
            """);
    }
}
