using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Switchboard.Tests.Support;
using Xunit.Abstractions;

namespace Switchboard.Tests.Storage;

/// <summary>
/// <c>kill -9</c> of a real Switchboard process in the middle of message ingestion and status callbacks, then
/// a restart on the same database, and the senders retrying what got no answer, as a texting platform and
/// the provider would: whatever was acknowledged (2xx) is stored, and nothing is stored twice.
/// </summary>
[Trait("Database", "yes")]
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const int Calls = 30;
    private static readonly string? PostgresServer = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES");

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"switchboard-crash-{Guid.NewGuid():N}.db");
    private readonly string _postgresDatabase = $"sb_crash_{Guid.NewGuid():N}";
    private SwitchboardProcess? _switchboard;

    private Dictionary<string, string> Settings => new()
    {
        ["Switchboard:Database:Provider"] = PostgresServer is null ? "Sqlite" : "Postgres",
        ["ConnectionStrings:Switchboard"] = PostgresServer is null
            ? $"Data Source={_sqlitePath}"
            : $"{PostgresServer};Database={_postgresDatabase}",
        ["Switchboard:OperatorToken"] = SwitchboardApp.OperatorToken,
        ["Switchboard:Twilio:AuthToken"] = SwitchboardApp.AuthToken,
        ["Switchboard:Twilio:PublicBaseUrl"] = SwitchboardApp.PublicBaseUrl,
        // A status callback that outlasts the budget is answered without being stored (the caller must never
        // wait); this test is about what a crash loses, so the budget is kept out of the way of a busy machine.
        ["Switchboard:Twilio:AnswerBudget"] = "00:00:30",
    };

    public async Task InitializeAsync() => _switchboard = await SwitchboardProcess.StartAsync(Settings);

    public async Task DisposeAsync()
    {
        if (_switchboard is not null)
        {
            await _switchboard.DisposeAsync();
        }

        if (PostgresServer is null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection($"{PostgresServer};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand(
            $"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)",
            connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task KillDashNineDuringIngestionAndStatusCallbacksLosesNothingAcknowledgedAndStoresNothingTwice()
    {
        var (orgPath, key, agent) = await CreateOrganizationAsync();
        var admin = _switchboard!.Client(key);
        var contacts = Enumerable.Range(0, Calls).Select(i => $"+1415555{2000 + i}").ToList();
        await Ok(admin.PostAsJsonAsync($"{orgPath}/messages", new
        {
            messages = contacts.Select(c =>
                new
                {
                    id = $"seed-{c}",
                    agentId = agent,
                    contact = c,
                    from = GroupNumber,
                    sentAt = DateTimeOffset.UtcNow.AddHours(-1),
                }),
        }));
        var provider = new TwilioProvider(_switchboard.Client());
        var calls = await Task.WhenAll(contacts.Select(c => provider.CallAsync(c, GroupNumber)));
        Assert.All(calls, c => Assert.Equal(["Dial"], c.Answer.Verbs));

        // Every call's statuses, each sent again and again until the crash (repeats are the provider's retries).
        var callbacks = calls.SelectMany(c => new[]
        {
            new Callback(c, "caller", "ringing"), new Callback(c, "agent", "initiated"), new Callback(
                c,
                "agent",
                "ringing"),
            new Callback(c, "caller", "in-progress"), new Callback(c, "agent", "answered"), new Callback(
                c,
                "agent",
                "completed"),
            new Callback(c, "caller", "completed"),
        }).ToList();

        var acknowledgedMessages = new ConcurrentBag<string>();
        var unansweredBatches = new ConcurrentBag<Message[]>();
        var acknowledgedCallbacks = new ConcurrentDictionary<string, byte>();
        var unansweredCallbacks = new ConcurrentBag<Callback>();
        var sent = 0;

        async Task IngestUntilTheCrash(int worker)
        {
            for (var batch = 0; ; batch++)
            {
                var messages = Enumerable.Range(0, 100)
                    .Select(i =>
                        new Message(
                            $"w{worker}-b{batch}-{i}",
                            agent,
                            contacts[(batch + i) % contacts.Count],
                            GroupNumber,
                            DateTimeOffset.UtcNow.AddMinutes(-batch)))
                    .ToArray();
                try
                {
                    var response = await admin.PostAsJsonAsync($"{orgPath}/messages", new { messages });
                    Assert.True(response.IsSuccessStatusCode, $"batch answered {(int)response.StatusCode}");
                    foreach (var message in messages)
                    {
                        acknowledgedMessages.Add(message.Id);
                    }
                }
                catch (HttpRequestException)
                {
                    unansweredBatches.Add(messages);
                    return;
                }
            }
        }

        async Task CallBackUntilTheCrash(int worker)
        {
            for (var i = worker; ; i += 4)
            {
                var callback = callbacks[i % callbacks.Count];
                try
                {
                    var answer = await callback.SendAsync();
                    Assert.Equal(System.Net.HttpStatusCode.OK, answer.Status);
                    acknowledgedCallbacks.TryAdd(callback.Key, 0);
                    Interlocked.Increment(ref sent);
                }
                catch (HttpRequestException)
                {
                    unansweredCallbacks.Add(callback);
                    return;
                }
            }
        }

        // Warm: the first callback and batch of a fresh process spend their time compiling, not storing.
        await Ok(
            admin.PostAsJsonAsync(
                $"{orgPath}/messages",
                new { messages = new[] { new Message(
                    "warm-up",
                    agent,
                    contacts[0],
                    GroupNumber,
                    DateTimeOffset.UtcNow) } }));
        await callbacks[0].SendAsync();

        var load = Enumerable.Range(0, 4)
            .Select(IngestUntilTheCrash)
            .Concat(Enumerable.Range(0, 4).Select(CallBackUntilTheCrash))
            .ToList();
        // Killed in full flow: once a fair amount has been acknowledged, whatever the machine's speed.
        var flowing = DateTime.UtcNow.AddSeconds(30);
        while ((acknowledgedMessages.Count < 500 || acknowledgedCallbacks.Count < 50)
            && DateTime.UtcNow < flowing
            && !load.Any(t => t.IsCompleted))
        {
            await Task.Delay(10);
        }

        await _switchboard.KillAsync();
        await Task.WhenAll(load);

        _switchboard = await SwitchboardProcess.StartAsync(Settings);
        admin = _switchboard.Client(key);
        provider = new TwilioProvider(_switchboard.Client());
        foreach (var batch in unansweredBatches)
        {
            await Ok(admin.PostAsJsonAsync($"{orgPath}/messages", new { messages = batch }));
        }

        foreach (var callback in unansweredCallbacks)
        {
            await (callback with { Call = callback.Call with { Provider = provider } }).SendAsync();
        }

        var storedMessages = await CountsAsync(
            """SELECT "ExternalId", count(*) FROM "MessageEvents" GROUP BY "ExternalId" """);
        var storedStatuses = await CountsAsync("""
            SELECT c."CallSid" || ' ' || lower(s."Leg") || ' ' || s."Status", count(*)
            FROM "CallStatusEvent" AS s JOIN "Calls" AS c ON c."Id" = s."CallId"
            GROUP BY c."CallSid", s."Leg", s."Status"
            """);
        output.WriteLine(
            $"acknowledged before kill -9: {acknowledgedMessages.Count} message " +
            $"events, {acknowledgedCallbacks.Count} distinct statuses ({sent} callbacks); " +
            $"unanswered and retried: {unansweredBatches.Count} batches, {unansweredCallbacks.Count} callbacks");

        Assert.True(
            acknowledgedMessages.Count >= 500 && acknowledgedCallbacks.Count >= 50,
            "the load was not in full flow when the process was killed");
        Assert.Equal(8, unansweredBatches.Count + unansweredCallbacks.Count);
        Assert.All(acknowledgedMessages, id => Assert.Equal(1, storedMessages.GetValueOrDefault(id)));
        Assert.All(unansweredBatches.SelectMany(b => b), m => Assert.Equal(1, storedMessages.GetValueOrDefault(m.Id)));
        Assert.All(acknowledgedCallbacks.Keys, status => Assert.Equal(1, storedStatuses.GetValueOrDefault(status)));
        Assert.All(unansweredCallbacks, c => Assert.Equal(1, storedStatuses.GetValueOrDefault(c.Key)));
        Assert.All(storedMessages.Values, n => Assert.Equal(1, n));
        Assert.All(storedStatuses.Values, n => Assert.Equal(1, n));
    }

    private async Task<(string OrgPath, string Key, long Agent)> CreateOrganizationAsync()
    {
        var op = _switchboard!.Client(SwitchboardApp.OperatorToken);
        var orgId = await IdOf(op.PostAsJsonAsync("/api/v1/organizations", new { name = "Acme Org" }));
        var key = (await Read(
            op.PostAsJsonAsync(
                $"/api/v1/organizations/{orgId}/api-keys",
                new { name = "admin", role = "admin" })))["key"]!.GetValue<string>();
        var orgPath = $"/api/v1/organizations/{orgId}";
        var admin = _switchboard.Client(key);
        var group = await IdOf(admin.PostAsJsonAsync($"{orgPath}/groups", new { name = "Field Team" }));
        var agent = await IdOf(
            admin.PostAsJsonAsync(
                $"{orgPath}/agents",
                new { name = "Alice", email = "alice@example.org", phone = "+14155550111" }));
        await Ok(admin.PostAsJsonAsync($"{orgPath}/numbers", new { number = GroupNumber, groupId = group }));
        return (orgPath, key, agent);
    }

    /// <summary>Counts straight from the database, as the stopped process left it.</summary>
    private async Task<Dictionary<string, long>> CountsAsync(string sql)
    {
        await using DbConnection connection = PostgresServer is null
            ? new SqliteConnection($"Data Source={_sqlitePath};Pooling=false")
            : new NpgsqlConnection($"{PostgresServer};Database={_postgresDatabase};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var rows = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await rows.ReadAsync())
        {
            counts[rows.GetString(0)] = rows.GetInt64(1);
        }

        return counts;
    }

    private static async Task<long> IdOf(Task<HttpResponseMessage> request) =>
        (await Read(request))["id"]!.GetValue<long>();

    private static async Task Ok(Task<HttpResponseMessage> request) => await Read(request);

    private static async Task<JsonNode> Read(Task<HttpResponseMessage> request) =>
        await TestOrganization.ReadAsync(await request);

    private sealed record Message(string Id, long AgentId, string Contact, string From, DateTimeOffset SentAt);

    /// <summary>One status of one leg of a call, to the URL the provider would post it to.</summary>
    private sealed record Callback(TwilioProvider.Call Call, string Leg, string Status)
    {
        public string Key => $"{Call.CallSid} {Leg} {Status}";

        public Task<TwiMLAnswer> SendAsync() =>
            Leg == "caller" ? Call.CallerStatusAsync(Status) : Call.LegStatusAsync(Status);
    }
}
