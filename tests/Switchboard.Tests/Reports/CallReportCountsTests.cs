using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Calls;
using Switchboard.Privacy;
using Switchboard.Reports;
using Switchboard.Routing;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Reports;

/// <summary>
/// The report read from the stored counts equals the report scanned from the calls, on a generated history: two
/// organizations, agents, groups and inboxes, every outcome, times to accept to the millisecond, calls that start
/// just before midnight UTC and settle after it, outcomes that change late (the dial's end after the caller's), a
/// retention purge, and ranges given as days, as instants mid-day, across months and up to two years; with the day
/// rows not folded yet, folded, and changed after they were folded.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallReportCountsTests : IAsyncLifetime
{
    private static readonly DateTime FirstDay = new(2026, 9, 20, 0, 0, 0, DateTimeKind.Utc);

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long[] _agents = [];
    private long[] _groups = [];
    private long[] _inboxes = [];
    private long _theirGroup;
    private long _theirAgent;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _groups = [await _org.CreateGroupAsync("North"), await _org.CreateGroupAsync("South"),
            await _org.CreateGroupAsync("East")];
        _inboxes = [await _org.CreateInboxAsync("Help"), await _org.CreateInboxAsync("Sales")];
        _agents =
        [
            await _org.CreateAgentAsync("Ann", "+14155550111"), await _org.CreateAgentAsync("Ben", "+14155550112"),
            await _org.CreateAgentAsync("Cat", "+14155550113"), await _org.CreateAgentAsync("Dan", "+14155550114"),
            await _org.CreateAgentAsync("Eve", "+14155550115"),
        ];
        _theirGroup = await _other.CreateGroupAsync("Theirs");
        _theirAgent = await _other.CreateAgentAsync("Zed", "+14155550121");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ReportsFromStoredCountsEqualTheScanOfTheCalls()
    {
        // Day rows only (nothing folded yet), then calls changed after their days were folded into months.
        await GenerateHistoryAsync(new Random(16), calls: 700, afterAdding: async () =>
        {
            await AssertEqualOverRangesAsync(settled: false);
            Assert.Equal(0, await CountRowsAsync());
            Assert.True(await FoldAsync() > 0);
        });

        await AssertEqualOverRangesAsync();
        Assert.True(await CountRowsAsync() > 0);
        Assert.True(await CountDayRowsAsync() > 0);
        await FoldAsync();
        Assert.Equal(0, await CountDayRowsAsync());
        await AssertEqualOverRangesAsync();

        // The retention purge removes the oldest calls (one day in part): the counts lose them in the same transaction
        // (day rows that take away from folded months), and again once those are folded.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 20, 15, 30, 0, TimeSpan.Zero));
        await _org.Admin.PutAsJsonAsync($"{_org.Path}/privacy", new { dataRetentionDays = 80 });
        var purge = _app.Services.GetServices<IHostedService>().OfType<RetentionPurge>().Single();
        var purged = await purge.PurgeAsync(CancellationToken.None);
        Assert.True(purged.CallRecords > 0);

        await AssertEqualOverRangesAsync();
        await FoldAsync();
        await AssertEqualOverRangesAsync();
    }

    [Fact]
    public async Task ANewCallWritesSmallDayRowsAndTheFoldMovesThemIntoTheMonth()
    {
        await GenerateHistoryAsync(new Random(3), calls: 200);
        await FoldAsync();
        var months = await CountsAsync();
        var at = new DateTime(2026, 10, 14, 9, 0, 0, DateTimeKind.Utc);
        var call = Enumerable.Range(0, 100).Select(seed => Generate(new Random(seed), "CAnew", at, theirs: false).Call)
            .First(c => c.Decision == RoutingOutcome.ConnectAgent);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            db.Calls.Add(call);
            await db.SaveChangesAsync();
        }

        // The month rows (a busy key's carries every day of its month) are left as they were: the call wrote its three
        // day rows (agent, group, inbox) and no histogram, as it is not accepted yet.
        Assert.Equal(months, await CountsAsync());
        var days = await DayRowsAsync();
        Assert.Equal(3, days.Count);
        Assert.All(days, d => Assert.Equal((1L, DateOnly.FromDateTime(at)), (d.Calls, DateOnly.FromDayNumber(d.Day))));
        Assert.All(days, d => Assert.Empty(d.AcceptTenths));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CallChanges>().ApplyAsync(call.Id,
                c => Accepted(c, at.AddSeconds(4.2), 60, at.AddSeconds(70)), CancellationToken.None);
        }

        // Accepted: one pair (tenths, calls) in each day row, eight bytes.
        Assert.All(await DayRowsAsync(), d => Assert.Equal((1L, 8), (d.Accepted, d.AcceptTenths.Length)));
        await AssertEqualOverRangesAsync();
        await FoldAsync();
        Assert.Empty(await DayRowsAsync());
        Assert.NotEqual(months, await CountsAsync());
        await AssertEqualOverRangesAsync();
    }

    [Fact]
    public async Task OnPostgreSqlACallsCountsDoNotWaitForAnotherCallsOpenTransaction()
    {
        // SQLite writes one transaction at a time (the write gate); two instances on PostgreSQL write many at once.
        if (!SwitchboardApp.OnPostgres)
        {
            return;
        }

        // Two calls of the same day to groups: both count for the organization's "no inbox" row of that day.
        var at = new DateTime(2026, 10, 14, 9, 0, 0, DateTimeKind.Utc);
        var calls = Enumerable.Range(0, 100)
            .Select(seed => Generate(new Random(seed), $"CAopen{seed}", at, theirs: false).Call)
            .Where(c => c.InboxId is null)
            .Take(2)
            .ToList();
        await using (var first = _app.Services.CreateAsyncScope())
        {
            var db = first.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var open = await db.Database.BeginTransactionAsync();
            db.Calls.Add(calls[0]);
            await db.SaveChangesAsync();

            // Were the two to add to one shared row, the second would wait for the first to commit, past the timeout.
            await using (var second = _app.Services.CreateAsyncScope())
            {
                var other = second.ServiceProvider.GetRequiredService<SwitchboardDb>();
                other.Calls.Add(calls[1]);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await other.SaveChangesAsync(timeout.Token);
            }

            await open.CommitAsync();
        }

        var noInbox = (await DayRowsAsync()).Where(d => d is { Grouping: ReportGrouping.Inbox, Key: 0 }).ToList();
        Assert.Equal([1L, 1L], noInbox.Select(d => d.Calls));
        await AssertEqualOverRangesAsync(settled: false);

        // Back to one row per key and day (the migration before the slots): the key's rows become one, summed.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            var migrations = db.Database.GetMigrations().ToList();
            var slots = migrations.FindIndex(m => m.EndsWith("_ReportDaySlots", StringComparison.Ordinal));
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[slots - 1]);
            var merged = await db.Database.SqlQueryRaw<long>("""
                SELECT "Calls" AS "Value" FROM "CallReportDays" WHERE "Grouping" = 2 AND "Key" = 0
                """).ToListAsync();
            Assert.Equal([2L], merged);
            await migrator.MigrateAsync();
        }

        await AssertEqualOverRangesAsync(settled: false);
        await FoldAsync();
        Assert.Empty(await DayRowsAsync());
        await AssertEqualOverRangesAsync(settled: false);
    }

    [Fact]
    public async Task AFoldInSmallBatchesMovesEveryDayRowAndTheReportsStayEqual()
    {
        await GenerateHistoryAsync(new Random(5), calls: 150);
        var days = await CountDayRowsAsync();
        Assert.True(days > 20);

        // Batches of 7 rows: many transactions, the last one short; a month row may be written by several of them.
        Assert.Equal(days, await FoldAsync(batchRows: 7));
        Assert.Empty(await DayRowsAsync());
        await AssertEqualOverRangesAsync();
    }

    [Fact]
    public async Task OnPostgreSqlTheFoldDoesNotWaitForACallsOpenTransaction()
    {
        // SQLite writes one transaction at a time (the write gate); on PostgreSQL calls write while the fold runs.
        if (!SwitchboardApp.OnPostgres)
        {
            return;
        }

        await GenerateHistoryAsync(new Random(9), calls: 60);
        var days = await CountDayRowsAsync();
        var held = (await DayRowsAsync()).OrderBy(d => (d.Grouping, d.Day, d.Key)).Skip(days / 2).First();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // A call's transaction, still open, has changed a day row (as the next call of that key and day does).
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var open = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "CallReportDays" SET "Calls" = "Calls" WHERE "OrganizationId" = {held.OrganizationId}
                AND "Grouping" = {(int)held.Grouping} AND "Day" = {held.Day} AND "Key" = {held.Key}
                AND "Slot" = {held.Slot}
                """);

            // Were the fold to wait for that transaction, it would still be waiting when the timeout ends.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(days - 1, await FoldAsync(batchRows: 5).WaitAsync(timeout.Token));
            await AssertEqualOverRangesAsync(settled: false);
            await open.CommitAsync();
        }

        // The row it left is the held one, folded by the next pass; every report equal all along.
        Assert.Equal([held.Key], (await DayRowsAsync()).Select(d => d.Key));
        Assert.Equal(1, await FoldAsync());
        Assert.Empty(await DayRowsAsync());
        await AssertEqualOverRangesAsync(settled: false);
    }

    [Fact]
    public async Task TheMigrationsRecountGivesTheCountsKeptAsCallsChanged()
    {
        await GenerateHistoryAsync(new Random(7), calls: 300, afterAdding: async () => await FoldAsync());
        await FoldAsync();
        var kept = await CountsAsync();

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await db.Database.ExecuteSqlRawAsync(CallReportSql.Recount(db.Database.IsNpgsql()));
        }

        Assert.Equal(kept, await CountsAsync());
    }

    [Fact]
    public async Task TheMigrationBackFillsTheMonthsFromTheCallsStoredBeforeIt()
    {
        await GenerateHistoryAsync(new Random(11), calls: 300);
        await FoldAsync();
        var kept = await CountsAsync();

        // Back to the schema before the month rows (the old per-day table, empty), then forward again: the
        // migration's frozen recount fills the months from the calls alone.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            var migrations = db.Database.GetMigrations().ToList();
            var months = migrations.FindIndex(m => m.EndsWith("_CallReportMonths", StringComparison.Ordinal));
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[months - 1]);
            await migrator.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                // A whole month's totals are read from their index alone, not from the rows that hold its days.
                var connection = db.Database.GetDbConnection();
                await db.Database.OpenConnectionAsync();
                await using var explain = connection.CreateCommand();
                explain.CommandText = $"""
                    EXPLAIN QUERY PLAN SELECT "Key", "AcceptTenths", {string.Join(", ", ReportedCall.Columns)}
                    FROM "CallReportMonths" WHERE "OrganizationId" = 1 AND "Grouping" = 0 AND "Month" >= 739000
                    """;
                await using var plan = await explain.ExecuteReaderAsync();
                Assert.True(await plan.ReadAsync());
                Assert.Contains("USING COVERING INDEX IX_CallReportMonths_Totals", plan.GetString(3));
            }
        }

        Assert.Equal(kept, await CountsAsync());
        Assert.Empty(await DayRowsAsync());
        await AssertEqualOverRangesAsync();
    }

    private async Task AssertEqualOverRangesAsync(bool settled = true)
    {
        string[] ranges =
        [
            "from=2026-09-20&to=2026-12-10",
            "from=2026-10-01&to=2026-10-31",
            "from=2026-10-02&to=2026-11-29",
            "from=2026-10-14&to=2026-10-14",
            "from=2026-10-14T23:59:58Z&to=2026-10-15T00:00:01Z",
            "from=2026-09-30T13:17:00Z&to=2026-11-03T08:00:00.5Z",
            "from=2026-10-31T12:00:00Z&to=2026-11-01T12:00:00Z",
            "from=2025-01-01&to=2026-12-31",
        ];
        await using var scope = _app.Services.CreateAsyncScope();
        var reports = scope.ServiceProvider.GetRequiredService<CallReports>();
        foreach (var query in ranges)
        {
            foreach (var groupBy in new[] { "agent", "group", "inbox" })
            {
                var parts = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
                var asked = new CallReportQuery { From = parts["from"], To = parts["to"], GroupBy = groupBy };
                var range = reports.Range(asked).Value!;
                var expected = await reports.ScanReportAsync(_org.Id, range, CancellationToken.None);
                var report = await _org.Admin.GetStringAsync($"{_org.Path}/reports/calls?{query}&groupBy={groupBy}");
                // Both ways of answering, whichever the endpoint chose for this range: the counts for every range.
                var fromCounts = await reports.CountsReportAsync(_org.Id, range, CancellationToken.None);

                Assert.Equal(Json(expected), Json(JsonSerializer.Deserialize<CallReport>(report,
                    JsonSerializerOptions.Web)));
                Assert.Equal(Json(expected), Json(fromCounts));
            }
        }

        if (!settled)
        {
            return;
        }

        var all = await _org.Admin.GetFromJsonAsync<CallReport>(
            $"{_org.Path}/reports/calls?from=2025-01-01&to=2026-12-31");
        Assert.True(all!.Totals.Accepted > 20 && all.Totals.Forwarded > 5);
        Assert.True(all.Totals.Rejected > 5 && all.Totals.Abandoned > 5);
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private async Task<int> CountRowsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().CallReportMonths.CountAsync();
    }

    private async Task<int> CountDayRowsAsync() => (await DayRowsAsync()).Count;

    private async Task<List<CallReportDay>> DayRowsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().CallReportDays.AsNoTracking()
            .ToListAsync();
    }

    /// <summary>One pass of the fold, as the app runs it every five minutes (the test's clock does not move on its
    /// own).</summary>
    private Task<int> FoldAsync(int batchRows = CallReportFold.BatchRows) =>
        _app.Services.GetServices<IHostedService>().OfType<CallReportFold>().Single()
            .FoldAsync(batchRows, CancellationToken.None);

    /// <summary>Each stored row with its days and histograms read back, in a canonical order (the recount writes a
    /// histogram's pairs in the order its GROUP BY found them).</summary>
    private async Task<List<string>> CountsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().CallReportMonths.AsNoTracking()
            .ToListAsync();
        return rows
            .Select(r => $"{r.OrganizationId}/{r.Grouping}/{r.Month}/{r.Key}: " +
                $"{r.Calls} {r.Offered} {r.Accepted} {r.Declined} {r.Missed} {r.Abandoned} {r.Forwarded} " +
                $"{r.ForwardedAfterAgent} {r.Rejected} {r.TalkSeconds} {Histogram(r.AcceptTenths)} days " +
                string.Join("; ", CountsBlob.ReadDays(r.Days).Select(d =>
                    $"{d.Key}: {string.Join(' ', d.Value.Counts)} {Histogram(d.Value.Tenths)}")))
            .Order()
            .ToList();
    }

    private static string Histogram(byte[] blob)
    {
        var histogram = new Dictionary<long, long>();
        CountsBlob.AddHistogram(blob, histogram);
        return Histogram(histogram);
    }

    private static string Histogram(Dictionary<long, long> histogram) =>
        string.Join(',', histogram.Where(p => p.Value != 0).OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"));

    /// <summary>
    /// Calls stored as routing stores them (added, with what is known at once), then changed one by one as the
    /// provider's callbacks change them (<see cref="CallChanges"/>), some hours late and some after midnight.
    /// </summary>
    private async Task GenerateHistoryAsync(Random random, int calls, Func<Task>? afterAdding = null)
    {
        var later = new List<(long Id, Func<CallRecord, bool>[] Changes)>();
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var changes = scope.ServiceProvider.GetRequiredService<CallChanges>();
        var batch = new List<(CallRecord Call, Func<CallRecord, bool>[] Changes)>();
        for (var i = 0; i < calls; i++)
        {
            var theirs = i % 9 == 0;
            var startedAt = random.Next(6) == 0
                ? FirstDay.AddDays(random.Next(80)).AddHours(23).AddMinutes(59).AddSeconds(50)
                    .AddMilliseconds(random.Next(10_000))
                : FirstDay.AddDays(random.Next(80)).AddMilliseconds(random.NextInt64(86_400_000))
                    .AddTicks(random.Next(10_000));
            batch.Add(Generate(random, $"CAgen{random.Next()}x{i}", startedAt, theirs));
            if (batch.Count == 40 || i == calls - 1)
            {
                db.Calls.AddRange(batch.Select(b => b.Call));
                await db.SaveChangesAsync();
                later.AddRange(batch.Select(b => (b.Call.Id, b.Changes)));
                batch.Clear();
                db.ChangeTracker.Clear();
            }
        }

        if (afterAdding is not null)
        {
            await afterAdding();
        }

        // Each callback in its own save, and every call's second callback after all the first ones: outcomes change
        // late.
        for (var step = 0; step < 2; step++)
        {
            foreach (var (id, steps) in later.Where(l => l.Changes.Length > step))
            {
                await changes.ApplyAsync(id, steps[step], CancellationToken.None);
            }
        }
    }

    /// <summary>A call as routing decided it, and what its callbacks do to it later (nothing, for some).</summary>
    private (CallRecord Call, Func<CallRecord, bool>[] Changes) Generate(Random random, string callSid, DateTime at,
        bool theirs)
    {
        var organizationId = theirs ? _other.Id : _org.Id;
        var kind = random.Next(14);
        var toInbox = kind is 0 or 1 && !theirs;
        OwnerFacts owner = toInbox
            ? new InboxFacts { InboxId = Pick(random, _inboxes), Name = "inbox", Mode = InboxMode.Forward,
                ForwardTo = "+14155550177" }
            : new GroupFacts
            {
                GroupId = theirs ? _theirGroup : Pick(random, _groups),
                Name = "group",
                Mode = GroupMode.LastAgent,
                ForwardTo = null,
                OrganizationMode = OrganizationMode.LastAgent,
                OrganizationForwardTo = null,
                LastTexter = null,
            };
        var facts = new RoutingFacts
        {
            Caller = "+14155550199",
            Number = new NumberFacts { Number = "+14155550100", OrganizationId = organizationId, Owner = owner },
        };
        var agent = theirs ? _theirAgent : Pick(random, _agents);
        var (outcome, reason) = kind switch
        {
            0 or 1 => (RoutingOutcome.Forward, DecisionReason.InboxForwards),
            2 => (RoutingOutcome.Reject, DecisionReason.NeverTextedFromGroup),
            3 => (RoutingOutcome.Forward, DecisionReason.AgentInactive),
            4 => (RoutingOutcome.AgentUnavailable, DecisionReason.AgentHasNoPhone),
            _ => (RoutingOutcome.ConnectAgent, DecisionReason.LastAgentByGroup),
        };
        var decision = new RoutingDecision
        {
            Outcome = outcome,
            Reason = reason,
            Steps = ["generated"],
            AgentId = outcome == RoutingOutcome.ConnectAgent ? agent : null,
            ForwardTo = outcome == RoutingOutcome.Forward ? "+14155550177" : null,
            FallbackForwardTo = outcome == RoutingOutcome.ConnectAgent && random.Next(4) == 0 ? "+14155550166" : null,
        };
        var call = CallRecord.Decided(callSid, "+14155550100", "+14155550199", facts, decision, at);

        // Seconds to accept with milliseconds (some on a half tenth); talk seconds whole, as the provider sends them.
        var screenedAt = at.AddMilliseconds(random.Next(2) == 0 ? random.Next(1_000, 40_000) : random.Next(1,
            40) * 100 + 50);
        var talk = random.Next(5, 900);
        var end = screenedAt.AddSeconds(talk);
        Func<CallRecord, bool>[] changes = (outcome, random.Next(12)) switch
        {
            (RoutingOutcome.Forward, var n) =>
            [
                c => n < 9
                    ? c.FinishDial(CallStatus.Completed, true, talk, null, end) == DialEnd.Connected
                    : c.FinishDial(n == 9 ? CallStatus.Busy : CallStatus.NoAnswer, false, null, null,
                        end) == DialEnd.Ended,
            ],
            (RoutingOutcome.ConnectAgent, < 4) => [c => Accepted(c, screenedAt, talk, end)],
            (RoutingOutcome.ConnectAgent, 4) => [c => Screened(c, "2", screenedAt, end)],
            (RoutingOutcome.ConnectAgent, 5) => [c => Screened(c, null, screenedAt, end)],
            (RoutingOutcome.ConnectAgent, 6) => [c => c.FinishDial(CallStatus.NoAnswer, false, null, null,
                end) == DialEnd.Ended],
            (RoutingOutcome.ConnectAgent, 7) => [c => c.FinishDial(CallStatus.Busy, false, null, null,
                end) == DialEnd.Ended],
            (RoutingOutcome.ConnectAgent, 8) =>
                [c => c.FinishDial(CallStatus.Canceled, false, null, CallStatus.Completed, end) == DialEnd.Ended],
            // Late: the caller's leg ends first (the agent had pressed 1: connected); hours later the dial's end says
            // the agent's leg was not answered, and the call's outcome changes.
            (RoutingOutcome.ConnectAgent, 9) =>
            [
                c => c.Screen("1", screenedAt) == ScreeningResult.Accepted && c.RecordStatus(CallLeg.Caller,
                    CallStatus.Completed, end, 30),
                c => c.FinishDial(CallStatus.NoAnswer, false, null, CallStatus.Completed,
                    end.AddHours(3)) == DialEnd.Ended,
            ],
            // The fallback number takes the call once the agent did not, in a later callback.
            (RoutingOutcome.ConnectAgent, 10) =>
            [
                c => c.FinishDial(CallStatus.NoAnswer, false, null, null, end) == DialEnd.Fallback,
                c => c.FinishFallback(CallStatus.Completed, true, talk, null),
            ],
            _ => [],
        };
        return (call, changes);
    }

    private static bool Accepted(CallRecord call, DateTime screenedAt, int talk, DateTime end)
    {
        call.StartScreening("CAagent", screenedAt.AddSeconds(-1));
        call.Screen("1", screenedAt);
        return call.FinishDial(CallStatus.Completed, true, talk, null, end) == DialEnd.Connected;
    }

    private static bool Screened(CallRecord call, string? digits, DateTime screenedAt, DateTime end)
    {
        call.Screen(digits, screenedAt);
        return call.FinishDial(CallStatus.Completed, false, null, null, end) == DialEnd.Ended;
    }

    private static long Pick(Random random, long[] ids) => ids[random.Next(ids.Length)];
}
