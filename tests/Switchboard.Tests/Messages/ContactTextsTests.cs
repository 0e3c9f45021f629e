using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Messages;
using Switchboard.Privacy;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Messages;

/// <summary>
/// ContactTexts, the one table keyed by contact that routing, calls out and erasure read, against what the stored
/// texts say: on a generated history of batches with texts arriving late, equal times, repeated ids, group and inbox
/// numbers, and a second organization texting the same contacts.
/// </summary>
[Trait("Database", "yes")]
public sealed class ContactTextsTests : IAsyncLifetime
{
    private static readonly string[] Contacts = ["+14155550301", "+14155550302", "+14155550303", "+14155550304"];

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long[] _agents = [];
    private long _theirAgent;
    private long _north;

    public async Task InitializeAsync()
    {
        _app.Settings["Switchboard:Retention:BatchSize"] = "4";
        _org = await TestOrganization.CreateAsync(_app);
        _north = await _org.CreateGroupAsync("North");
        await _org.AddNumberAsync("+14155550100", groupId: _north);
        await _org.AddNumberAsync("+14155550101", groupId: await _org.CreateGroupAsync("South"));
        await _org.AddNumberAsync("+14155550102", inboxId: await _org.CreateInboxAsync("Help"));
        _agents =
        [
            await _org.CreateAgentAsync("Ann", "+14155550111"), await _org.CreateAgentAsync("Ben", "+14155550112"),
            await _org.CreateAgentAsync("Cat", "+14155550113"),
        ];
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        await _other.AddNumberAsync("+14155550200", groupId: await _other.CreateGroupAsync("Theirs"));
        _theirAgent = await _other.CreateAgentAsync("Zed", "+14155550121");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EachGroupsAndEachAgentsRowIsTheirLatestTextFirstRecordedOnTiesAndEachTextHasARow()
    {
        await IngestHistoryAsync(new Random(16));

        var (texts, rows) = await ReadAsync();

        Assert.True(texts.Count > 100, $"{texts.Count} texts");
        Assert.Equal(Expected(texts), Actual(rows));
    }

    [Fact]
    public async Task TheMigrationsBackfillGivesTheRowsKeptAsTextsCameIn()
    {
        await IngestHistoryAsync(new Random(2));
        var (_, kept) = await ReadAsync();

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // LastTexts, the group rows' source, is gone after the migration: the texts' and agents' rows are redone.
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await db.ContactTexts.Where(t => t.Kind != ContactTextKind.Group).ExecuteDeleteAsync();
            await db.Database.ExecuteSqlRawAsync(ContactTextsBackfill.Texts);
            await db.Database.ExecuteSqlRawAsync(ContactTextsBackfill.Agents);
        }

        var (_, again) = await ReadAsync();
        Assert.Equal(Actual(kept), Actual(again));
    }

    [Fact]
    public async Task TheMigrationTakesADatabaseOfTheVersionBeforeToTheRowsKeptAsTextsCameIn()
    {
        await IngestHistoryAsync(new Random(3));
        var (_, kept) = await ReadAsync();
        var names = GroupNames(kept);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // The version before: back to the migration before ContactTexts, its LastTexts holding the groups' rows.
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            // Found by name: later migrations (the call report's months) come after it and are undone with it.
            var contactTexts = migrations.FindIndex(m => m.EndsWith("_ContactTexts", StringComparison.Ordinal));
            Assert.True(contactTexts > 0);
            await migrator.MigrateAsync(migrations[contactTexts - 1]);
            foreach (var row in kept.Where(r => r.Kind == ContactTextKind.Group))
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "LastTexts" ("GroupId", "Contact", "AgentId", "FromNumber", "SentAt", "ContactName")
                    VALUES ({row.OwnerId}, {row.Contact}, {row.AgentId}, {row.FromNumber}, {row.SentAt},
                            {row.ContactName})
                    """);
            }

            await migrator.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                var table = await db.Database.SqlQuery<string>(
                    $"SELECT sql AS \"Value\" FROM sqlite_master WHERE name = 'ContactTexts'").SingleAsync();
                Assert.EndsWith("WITHOUT ROWID", table.TrimEnd());
            }
        }

        var (_, again) = await ReadAsync();
        Assert.Equal(Actual(kept), Actual(again));
        Assert.Equal(names, GroupNames(again));
    }

    [Fact]
    public async Task ABatchOfMoreRowsThanOneStatementTakesGivesTheSameRows()
    {
        // 2,000 texts to 1,000 contacts give ~5,000 rows: upserted in more than one statement (3,000 rows each).
        var random = new Random(28);
        var start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var messages = Enumerable.Range(0, 2_000).Select(i => new
        {
            id = $"big{i}",
            agentId = _agents[random.Next(_agents.Length)],
            contact = $"+1312555{2000 + random.Next(1000)}",
            from = i % 2 == 0 ? "+14155550100" : "+14155550101",
            sentAt = start.AddMinutes(random.Next(50)),
        }).ToList();

        await TestOrganization.ReadAsync(await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new { messages }));

        var (texts, rows) = await ReadAsync();
        Assert.Equal(2_000, texts.Count);
        Assert.True(rows.Count > 3_000, $"{rows.Count} rows");
        Assert.Equal(Expected(texts), Actual(rows));
    }

    [SqliteFact]
    public async Task ABatchSetsItsConnectionsTemporaryStorageBackAsItFoundIt()
    {
        // A batch keeps its statements' journal in memory (temp_store=MEMORY) on the pooled connection it borrows;
        // whatever that connection serves next (a migration's large temporary tables) is held in files as before.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await db.Database.OpenConnectionAsync();
        var text = new ValidMessage("kept", _agents[0], Contacts[0], "+14155550100", _north, null, DateTime.UtcNow);

        var result = await scope.ServiceProvider.GetRequiredService<MessageIngestion>()
            .IngestAsync(_org.Id, [text], CancellationToken.None);

        await using var pragma = db.Database.GetDbConnection().CreateCommand();
        pragma.CommandText = "PRAGMA temp_store;";
        Assert.Equal(1, result.Accepted);
        Assert.Equal(0L, await pragma.ExecuteScalarAsync());
        Assert.Equal(3, await db.ContactTexts.CountAsync(t => t.Contact == Contacts[0]));
    }

    [Fact]
    public async Task DeletingAGroupDeletesItsRowsAndKeepsTheAgentsAndTheTextsRows()
    {
        await IngestHistoryAsync(new Random(5));
        var (_, kept) = await ReadAsync();

        await TestOrganization.ReadAsync(await _org.Admin.DeleteAsync($"{_org.Path}/groups/{_north}"));

        var (_, rows) = await ReadAsync();
        Assert.Contains(kept, r => r.Kind == ContactTextKind.Group && r.OwnerId == _north);
        Assert.Equal(
            Actual([.. kept.Where(r => r.Kind != ContactTextKind.Group || r.OwnerId != _north)]),
            Actual(rows));
    }

    [Fact]
    public async Task TheRetentionPurgeLeavesTheRowsTheRemainingTextsGiveAndTouchesNoOtherOrganization()
    {
        // Texts 3 days to 6 hours old, a third of them older than the 2 days kept, to so many contacts that many a
        // group and agent texted a contact only before the cutoff.
        string[] contacts = [.. Enumerable.Range(0, 40).Select(i => $"+141555504{i:00}")];
        await IngestHistoryAsync(new Random(7), TimeSpan.FromHours(6), contacts);
        var (textsBefore, rowsBefore) = await ReadAsync();
        await _org.SetAsync("/privacy", new { dataRetentionDays = 2 });

        var purged = await _app.Services.GetServices<IHostedService>().OfType<RetentionPurge>().Single()
            .PurgeAsync(CancellationToken.None);

        var (texts, rows) = await ReadAsync();
        var cutoff = _app.Clock.GetUtcNow().UtcDateTime.AddDays(-2);
        Assert.True(purged.MessageEvents > 10 && texts.Count(t => t.OrganizationId == _org.Id) > 10, $"{purged}");
        Assert.Equal(textsBefore.Count - purged.MessageEvents, texts.Count);
        Assert.DoesNotContain(texts, t => t.OrganizationId == _org.Id && t.SentAt < cutoff);
        Assert.Contains(texts, t => t.OrganizationId == _other.Id && t.SentAt < cutoff);
        Assert.Equal(Expected(texts), Actual(rows));
        Assert.True(purged.LastTexts > 0, $"{purged}");
        Assert.Equal(
            rowsBefore.Count(r => r.Kind == ContactTextKind.Group) - rows.Count(r => r.Kind == ContactTextKind.Group),
            purged.LastTexts);
    }

    /// <summary>
    /// Batches of up to 12 texts, times on a coarse grid (so that many are equal) in random order (so that many
    /// arrive after later ones), some ids sent again, from two groups and an inbox; the other organization texts the
    /// same contacts in between.
    /// </summary>
    private async Task IngestHistoryAsync(Random random, TimeSpan? step = null, string[]? contacts = null)
    {
        var apart = step ?? TimeSpan.FromMinutes(10);
        var to = contacts ?? Contacts;
        string[] numbers = ["+14155550100", "+14155550101", "+14155550102"];
        var start = _app.Clock.GetUtcNow().AddDays(-3);
        var sent = new List<string>();
        for (var batch = 0; batch < 20; batch++)
        {
            var messages = new List<object>();
            for (var i = random.Next(1, 13); i > 0; i--)
            {
                var id = sent.Count > 0 && random.Next(8) == 0 ? sent[random.Next(sent.Count)] : $"t{sent.Count}";
                sent.Add(id);
                messages.Add(new
                {
                    id,
                    agentId = _agents[random.Next(_agents.Length)],
                    contact = to[random.Next(to.Length)],
                    from = numbers[random.Next(numbers.Length)],
                    sentAt = start + apart * random.Next(12),
                    contactName = random.Next(3) == 0 ? $"Name {random.Next(5)}" : null,
                });
            }

            await TestOrganization.ReadAsync(
                await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new { messages }));
            await _other.TextAsync(
                _theirAgent,
                to[random.Next(to.Length)],
                "+14155550200",
                start + apart * random.Next(12));
        }
    }

    private async Task<(List<MessageEvent> Texts, List<ContactText> Rows)> ReadAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return (
            await db.MessageEvents.AsNoTracking().ToListAsync(),
            await db.ContactTexts.AsNoTracking().ToListAsync());
    }

    /// <summary>What the texts say: latest by time sent, then the first recorded (the lowest id).</summary>
    private static List<string> Expected(List<MessageEvent> texts)
    {
        static MessageEvent Latest(IEnumerable<MessageEvent> g) =>
            g.OrderByDescending(t => t.SentAt).ThenBy(t => t.Id).First();

        var groups = texts.Where(t => t.GroupId is not null)
            .GroupBy(t => (t.OrganizationId, t.Contact, t.GroupId))
            .Select(g => Latest(g))
            .Select(t => Row(t, ContactTextKind.Group, t.GroupId!.Value, t.FromNumber));
        var agents = texts.GroupBy(t => (t.OrganizationId, t.Contact, t.AgentId))
            .Select(g => Latest(g))
            .Select(t => Row(t, ContactTextKind.Agent, t.AgentId, t.FromNumber));
        var each = texts.Select(t => Row(t, ContactTextKind.Text, t.Id, null));
        return [.. groups.Concat(agents).Concat(each).Order(StringComparer.Ordinal)];
    }

    private static List<string> Actual(List<ContactText> rows) =>
        [.. rows.Select(r => $"{r.OrganizationId} {r.Contact} {r.Kind} {r.OwnerId}: {r.AgentId} {r.FromNumber} " +
            $"{r.GroupId} {r.InboxId} {r.SentAt:O}").Order(StringComparer.Ordinal)];

    private static List<string> GroupNames(List<ContactText> rows) =>
        [.. rows.Where(r => r.Kind == ContactTextKind.Group)
            .Select(r => $"{r.OrganizationId} {r.Contact} {r.OwnerId}: {r.ContactName}").Order(StringComparer.Ordinal)];

    private static string Row(MessageEvent t, ContactTextKind kind, long owner, string? from) =>
        $"{t.OrganizationId} {t.Contact} {kind} {owner}: {t.AgentId} {from} {t.GroupId} {t.InboxId} {t.SentAt:O}";
}
