using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// Two real Switchboard processes behind one PostgreSQL database, as behind a load balancer. Runs in
/// the PostgreSQL half of <c>./test.sh</c>.
/// </summary>
[Trait("Database", "postgres")]
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private readonly string _database = $"sb_two_{Guid.NewGuid():N}";
    private readonly string _server = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES") ?? "";

    private SwitchboardProcess _a = null!;
    private SwitchboardProcess _b = null!;

    public async Task InitializeAsync()
    {
        if (_server.Length == 0)
        {
            return;
        }

        var settings = new Dictionary<string, string>
        {
            ["Switchboard:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Switchboard"] = $"{_server};Database={_database}",
            ["Switchboard:OperatorToken"] = SwitchboardApp.OperatorToken,
            ["Switchboard:Twilio:AuthToken"] = SwitchboardApp.AuthToken,
            ["Switchboard:Twilio:PublicBaseUrl"] = SwitchboardApp.PublicBaseUrl,
            ["Switchboard:CallEvents:PollInterval"] = "00:00:00.020",
            // A minute for a receiver: an event that waited for a hanging receiver would arrive after it, so no test
            // needs a limit in seconds that the machine's load could break.
            ["Switchboard:CallEvents:Timeout"] = "00:01:00",
            // The events' arrival is timed from the calls, which may come before a first pass 5 s after the start.
            ["Switchboard:Background:FirstPassDelay"] = "00:00:00",
            [EventReceiver.AllowedNetworks] = "127.0.0.0/8",
            // 60 calls at once on two processes sharing 2 cores with the test: past the 1.5 s budget a caller
            // hears the apology and no event is raised, which is not what these tests are about.
            ["Switchboard:Twilio:AnswerBudget"] = "00:00:30",
        };

        // Both start at once on an empty database: the migrations must be applied exactly once.
        var starting = new[] { SwitchboardProcess.StartAsync(settings), SwitchboardProcess.StartAsync(settings) };
        try
        {
            var started = await Task.WhenAll(starting);
            (_a, _b) = (started[0], started[1]);
        }
        catch
        {
            // xunit does not dispose a class whose initialization failed: stop whichever process did start.
            foreach (var start in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server.Length == 0)
        {
            return;
        }

        await _a.DisposeAsync();
        await _b.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection($"{_server};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task BothInstancesStartingAtOnceApplyTheMigrationsOnce()
    {
        Assert.Equal(HttpStatusCode.OK, (await _a.Client().GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _b.Client().GetAsync("/healthz")).StatusCode);

        await using var connection = new NpgsqlConnection($"{_server};Database={_database};Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            """SELECT count(*), count(DISTINCT "MigrationId") FROM "__EFMigrationsHistory" """,
            connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) > 0);
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        // Migrating a new database is no failure: an operator reading the logs sees no error about its history.
        Assert.DoesNotContain(
            Failures(_a.Output).Concat(Failures(_b.Output)),
            failure => failure.Contains("__EFMigrationsHistory", StringComparison.Ordinal));
    }

    /// <summary>The console logger's error and critical entries, each with its indented lines.</summary>
    private static IEnumerable<string> Failures(IReadOnlyList<string> output)
    {
        for (var i = 0; i < output.Count; i++)
        {
            if (output[i].StartsWith("fail:", StringComparison.Ordinal)
                || output[i].StartsWith("crit:", StringComparison.Ordinal))
            {
                var entry = output.Skip(i + 1).TakeWhile(line => line.StartsWith(' '));
                yield return string.Join('\n', entry.Prepend(output[i]));
            }
        }
    }

    [PostgresFact]
    public async Task SettingChangedThroughOneInstanceIsUsedAtOnceByTheOther()
    {
        var (orgPath, adminA, adminB) = await CreateOrganizationAsync();
        var group = await IdOf(adminA.PostAsJsonAsync($"{orgPath}/groups", new { name = "Field Team" }));
        var alice = await IdOf(
            adminA.PostAsJsonAsync(
                $"{orgPath}/agents",
                new { name = "Alice", email = "alice@example.org", phone = "+14155550111" }));
        await Ok(adminA.PostAsJsonAsync($"{orgPath}/numbers", new { number = GroupNumber, groupId = group }));
        await Ok(
            adminA.PostAsJsonAsync(
                $"{orgPath}/messages",
                new { messages = new[] { new
                {
                    agentId = alice,
                    contact = "+14155550199",
                    from = GroupNumber,
                    sentAt = DateTimeOffset.UtcNow.AddHours(-1),
                } } }));
        var providerB = new TwilioProvider(_b.Client());

        var before = await providerB.CallAsync("+14155550199", GroupNumber);
        await Ok(
            adminA.PutAsJsonAsync(
                $"{orgPath}/groups/{group}/inbound-calls",
                new { mode = "forward", forwardTo = "+14155550177" }));
        var after = await providerB.CallAsync("+14155550199", GroupNumber);

        Assert.Equal("+14155550111", before.Answer.Text("Number"));
        Assert.Equal("+14155550177", after.Answer.Text("Number"));
        Assert.Equal(2, (await Read(adminB.GetAsync($"{orgPath}/calls")))["items"]!.AsArray().Count);
    }

    [PostgresFact]
    public async Task EventsIngestedConcurrentlyThroughBothLeaveTheLatestTexterOfEachContact()
    {
        var (orgPath, adminA, adminB) = await CreateOrganizationAsync();
        var group = await IdOf(adminA.PostAsJsonAsync($"{orgPath}/groups", new { name = "Field Team" }));
        var agents = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            agents.Add(
                await IdOf(
                    adminA.PostAsJsonAsync(
                        $"{orgPath}/agents",
                        new { name = $"Agent {i}", email = $"agent{i}@example.org", phone = $"+1415555020{i}" })));
        }

        await Ok(adminA.PostAsJsonAsync($"{orgPath}/numbers", new { number = GroupNumber, groupId = group }));

        // 8 batches, half through each instance, each texting the same 50 contacts; batch k's texts are
        // at hour k, so the last agent of every contact is the agent of batch 7 whatever the arrival order.
        var contacts = Enumerable.Range(0, 50).Select(c => $"+1415555{1000 + c}").ToList();
        var epoch = DateTimeOffset.UtcNow.AddDays(-1);
        var batches = Enumerable.Range(0, 8).Reverse().Select(k =>
        {
            var messages = contacts.Select(c =>
                new
                {
                    id = $"b{k}-{c}",
                    agentId = agents[k % agents.Count],
                    contact = c,
                    from = GroupNumber,
                    sentAt = epoch.AddHours(k),
                });
            var admin = k % 2 == 0 ? adminA : adminB;
            return Ok(admin.PostAsJsonAsync($"{orgPath}/messages", new { messages }));
        });
        await Task.WhenAll(batches);

        var providerA = new TwilioProvider(_a.Client());
        var providerB = new TwilioProvider(_b.Client());
        var expectedPhone = $"+1415555020{7 % agents.Count}";
        foreach (var contact in contacts.Take(10))
        {
            Assert.Equal(expectedPhone, (await providerA.CallAsync(contact, GroupNumber)).Answer.Text("Number"));
            Assert.Equal(expectedPhone, (await providerB.CallAsync(contact, GroupNumber)).Answer.Text("Number"));
        }
    }

    [PostgresFact]
    public async Task StatusCallbacksForOneCallAtBothInstancesInEitherOrderLeaveOneConsistentRecord()
    {
        var (orgPath, adminA, _) = await CreateOrganizationAsync();
        var group = await IdOf(adminA.PostAsJsonAsync($"{orgPath}/groups", new { name = "Field Team" }));
        var alice = await IdOf(
            adminA.PostAsJsonAsync(
                $"{orgPath}/agents",
                new { name = "Alice", email = "alice@example.org", phone = "+14155550111" }));
        await Ok(adminA.PostAsJsonAsync($"{orgPath}/numbers", new { number = GroupNumber, groupId = group }));
        await Ok(
            adminA.PostAsJsonAsync(
                $"{orgPath}/messages",
                new { messages = new[] { new
                {
                    agentId = alice,
                    contact = "+14155550199",
                    from = GroupNumber,
                    sentAt = DateTimeOffset.UtcNow.AddHours(-1),
                } } }));
        var providerA = new TwilioProvider(_a.Client());
        var call = await providerA.CallAsync("+14155550199", GroupNumber);
        var atA = call with { Provider = providerA };
        var atB = call with { Provider = new TwilioProvider(_b.Client()) };

        await Task.WhenAll(
            atB.CallerStatusAsync("completed", durationSeconds: 42),
            atA.CallerStatusAsync("in-progress"),
            atA.LegStatusAsync("ringing"),
            atB.LegStatusAsync("ringing"),
            atB.LegStatusAsync("completed", durationSeconds: 30),
            atA.LegStatusAsync("answered"),
            atA.CallerStatusAsync("completed", durationSeconds: 42));

        var logged = (await Read(adminA.GetAsync($"{orgPath}/calls")))["items"]!.AsArray().Single()!;
        Assert.Equal("completed", logged["callerStatus"]!.GetValue<string>());
        Assert.Equal(42, logged["durationSeconds"]!.GetValue<int>());
        var statuses = logged["statuses"]!.AsArray().Select(s => $"{s!["leg"]}:{s["status"]}").Order().ToList();
        Assert.Equal(
            ["agent:answered", "agent:completed", "agent:ringing", "caller:completed", "caller:in-progress"],
            statuses);
    }

    [PostgresFact]
    public async Task CallEventsSentByBothInstancesArriveOnceEach()
    {
        await using var receiver = EventReceiver.Down();
        await receiver.UpAsync();
        var (orgPath, adminA, _) = await CreateOrganizationAsync();
        var group = await IdOf(adminA.PostAsJsonAsync($"{orgPath}/groups", new { name = "Field Team" }));
        await Ok(adminA.PostAsJsonAsync($"{orgPath}/numbers", new { number = GroupNumber, groupId = group }));
        await Ok(adminA.PutAsJsonAsync($"{orgPath}/call-events", new { url = receiver.Url }));
        var providers = new[] { new TwilioProvider(_a.Client()), new TwilioProvider(_b.Client()) };

        // 60 strangers call (each call rejected, each with its event), half through each instance, while both send.
        await Task.WhenAll(
            Enumerable.Range(0, 60).Select(i => providers[i % 2].CallAsync($"+1415555{3000 + i}", GroupNumber)));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Taken.Count < 60 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Assert.Equal(60, receiver.Taken.Select(t => t.EventId).Distinct().Count());
        Assert.Equal(60, receiver.Arrived.Count);
    }

    [PostgresFact]
    public async Task QuickOrganizationsEventsArriveOnceEachAndPromptlyWhileAnotherOrganizationsReceiverHangsAtBoth()
    {
        await using var hanging = EventReceiver.Down();
        await using var quick = EventReceiver.Down();
        await hanging.UpAsync();
        await quick.UpAsync();
        hanging.Slowness = TimeSpan.FromMinutes(5);
        var (hangingPath, hangingAdmin, _) = await CreateOrganizationAsync("Hanging Org");
        var (quickPath, quickAdmin, _) = await CreateOrganizationAsync("Quick Org");
        var hangingGroup = await IdOf(
            hangingAdmin.PostAsJsonAsync($"{hangingPath}/groups", new { name = "Field Team" }));
        var quickGroup = await IdOf(quickAdmin.PostAsJsonAsync($"{quickPath}/groups", new { name = "Field Team" }));
        await Ok(
            hangingAdmin.PostAsJsonAsync(
                $"{hangingPath}/numbers",
                new { number = GroupNumber, groupId = hangingGroup }));
        await Ok(
            quickAdmin.PostAsJsonAsync($"{quickPath}/numbers", new { number = "+14155550200", groupId = quickGroup }));
        await Ok(hangingAdmin.PutAsJsonAsync($"{hangingPath}/call-events", new { url = hanging.Url }));
        await Ok(quickAdmin.PutAsJsonAsync($"{quickPath}/call-events", new { url = quick.Url }));
        var providers = new[] { new TwilioProvider(_a.Client()), new TwilioProvider(_b.Client()) };

        // Six hanging events, three raised through each instance: each instance holds one of them at a time.
        await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => providers[i % 2].CallAsync($"+1415555{3000 + i}", GroupNumber)));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (hanging.Arrived.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        for (var i = 0; i < 6; i++)
        {
            await providers[i % 2].CallAsync($"+1415555{4000 + i}", "+14155550200");
            deadline = DateTime.UtcNow.AddSeconds(30);
            while (quick.Taken.Count < i + 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        Assert.Equal(6, quick.Taken.Select(t => t.EventId).Distinct().Count());
        Assert.Equal(6, quick.Arrived.Count);
        // All six arrived while both instances still held their first hanging event (each waits a minute for it).
        Assert.Empty(hanging.Abandoned);
        Assert.Equal(2, hanging.Arrived.Count);
        // Never one event at two instances at once: every hanging request so far is of another event.
        Assert.Equal(hanging.Arrived.Count, hanging.Arrived.Select(a => a.EventId).Distinct().Count());
        Assert.Empty(hanging.Taken);
    }

    private async Task<(string OrgPath, HttpClient AdminA, HttpClient AdminB)> CreateOrganizationAsync(
        string name = "Acme Org")
    {
        var op = _a.Client(SwitchboardApp.OperatorToken);
        var orgId = await IdOf(op.PostAsJsonAsync("/api/v1/organizations", new { name }));
        var key = (await Read(
            op.PostAsJsonAsync(
                $"/api/v1/organizations/{orgId}/api-keys",
                new { name = "admin", role = "admin" })))["key"]!.GetValue<string>();
        return ($"/api/v1/organizations/{orgId}", _a.Client(key), _b.Client(key));
    }

    private static async Task<long> IdOf(Task<HttpResponseMessage> request) =>
        (await Read(request))["id"]!.GetValue<long>();

    private static async Task Ok(Task<HttpResponseMessage> request) => await Read(request);

    private static async Task<JsonNode> Read(Task<HttpResponseMessage> request) =>
        await TestOrganization.ReadAsync(await request);
}
