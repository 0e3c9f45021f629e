using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Privacy;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Privacy;

/// <summary>
/// "Forget me" and retention over HTTP: what an organization holds about a contact goes, its counts and outcomes stay,
/// nothing of another organization moves, and the purge deletes what is older than the organization keeps.
/// </summary>
[Trait("Database", "yes")]
public sealed class PrivacyTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string TheirNumber = "+14155550160";
    private const string Contact = "+14155550199";
    private const string EscapedContact = "%2B14155550199";
    private const string OtherContact = "+14155550198";
    private const string AlicePhone = "+14155550111";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long _alice;
    private long _theirAgent;

    public async Task InitializeAsync()
    {
        // Small batches, so that a purge of a few rows already takes several.
        _app.Settings["Switchboard:Retention:BatchSize"] = "4";
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: await _org.CreateGroupAsync());
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _theirAgent = await _other.CreateAgentAsync("Bea", "+14155550161");
        await _other.AddNumberAsync(TheirNumber, groupId: await _other.CreateGroupAsync());
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ForgottenContactIsNeverTextedAgainItsCallsKeepTheirOutcomeWithoutTheNumberOtherOrgsKeepAll()
    {
        await _org.TextAsync(
            _alice,
            Contact,
            GroupNumber,
            _app.Clock.GetUtcNow().AddHours(-1),
            contactName: "Dana Example");
        await _other.TextAsync(_theirAgent, Contact, TheirNumber, _app.Clock.GetUtcNow().AddHours(-1));
        // Events wait for a receiver that cannot be reached, so the call's event is still undelivered.
        await _org.SetAsync("/call-events", new { url = "https://texting.example.org/hooks" });
        var call = await _app.Provider().CallAsync(Contact, GroupNumber);
        await call.AgentPressesAsync("1");
        await call.DialEndsAsync("completed", bridged: true, dialSeconds: 95);

        var forgotten = await TestOrganization.ReadAsync(
            await _org.Admin.DeleteAsync($"{_org.Path}/contacts/{EscapedContact}"));

        Assert.Equal(1, forgotten["messageEvents"]!.GetValue<int>());
        Assert.Equal(1, forgotten["lastTexts"]!.GetValue<int>());
        Assert.Equal(1, forgotten["callRecords"]!.GetValue<int>());
        Assert.Equal(0, forgotten["recordings"]!.GetValue<int>());
        Assert.True(forgotten["undeliveredEvents"]!.GetValue<int>() >= 1);

        var calls = await _org.CallsAsync();
        var kept = Assert.Single(calls)!;
        Assert.Equal("connected", kept.Text("outcome"));
        Assert.Equal(95, kept["talkSeconds"]!.GetValue<int>());
        Assert.Null(kept["contact"]);
        Assert.Empty((await _org.Admin.GetJsonAsync($"{_org.Path}/call-events/deliveries"))["items"]!.AsArray());

        var again = await _app.Provider().CallAsync(Contact, GroupNumber);
        Assert.Equal(["Reject"], again.Answer.Verbs);
        Assert.DoesNotContain(
            "Dana",
            await (await _org.Admin.GetAsync($"{_org.Path}/calls")).Content.ReadAsStringAsync());

        var theirs = await _app.Provider().CallAsync(Contact, TheirNumber);
        Assert.Equal(["Dial"], theirs.Answer.Verbs);
        Assert.All(await _other.CallsAsync(), c => Assert.NotNull(c!["contact"]));
    }

    [Fact]
    public async Task ErasureIsAuditedWithTheNumberMasked()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));

        await TestOrganization.ReadAsync(await _org.Admin.DeleteAsync($"{_org.Path}/contacts/{EscapedContact}"));

        var log = (await _org.Admin.GetJsonAsync($"{_org.Path}/audit"))["items"]!.AsArray();
        var erasure = Assert.Single(log, e => e!.Text("entityType") == "contact")!;
        Assert.Equal("deleted", erasure.Text("action"));
        Assert.DoesNotContain("5550199", log.ToJsonString());
        Assert.Contains("0199", erasure.Text("entityId"));
        Assert.DoesNotContain(
            (await _other.Admin.GetJsonAsync($"{_other.Path}/audit"))["items"]!.AsArray(),
            e => e!.Text("entityType") == "contact");
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("%2B1")]
    public async Task ContactNumberThatIsNotOneIsRefusedNamingNumber(string number)
    {
        Assert.Equal(
            ["number"],
            await ErrorFieldsAsync(await _org.Admin.DeleteAsync($"{_org.Path}/contacts/{number}")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(3651)]
    public async Task RetentionOutsideOneDayToTenYearsIsRefusedNamingIt(int days)
    {
        Assert.Equal(
            ["dataRetentionDays"],
            await ErrorFieldsAsync(
                await _org.Admin.PutAsJsonAsync($"{_org.Path}/privacy", new { dataRetentionDays = days })));
        Assert.Null((await _org.Admin.GetJsonAsync($"{_org.Path}/privacy"))["dataRetentionDays"]);
    }

    [Fact]
    public async Task PurgeDeletesTextsAndCallRecordsOlderThanTheOrganizationKeepsThemAndNothingElse()
    {
        var now = _app.Clock.GetUtcNow();
        await _org.TextAsync(_alice, OtherContact, GroupNumber, now.AddDays(-40));
        await _org.TextAsync(_alice, Contact, GroupNumber, now.AddDays(-1));
        await _other.TextAsync(_theirAgent, OtherContact, TheirNumber, now.AddDays(-400));
        await _app.Provider().CallAsync(Contact, GroupNumber);

        var saved = await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/privacy", new { dataRetentionDays = 30 }));
        var purged = await PurgeAsync();

        Assert.Equal(30, saved["dataRetentionDays"]!.GetValue<int>());
        Assert.Equal((1, 1, 0), Counts(purged));
        Assert.Equal(["Reject"], (await _app.Provider().CallAsync(OtherContact, GroupNumber)).Answer.Verbs);
        Assert.Equal(["Dial"], (await _app.Provider().CallAsync(Contact, GroupNumber)).Answer.Verbs);
        Assert.Equal(["Dial"], (await _app.Provider().CallAsync(OtherContact, TheirNumber)).Answer.Verbs);

        _app.Clock.Advance(TimeSpan.FromDays(31));
        var later = await PurgeAsync();

        Assert.Equal((1, 1, 3), Counts(later));
        Assert.Empty(await _org.CallsAsync());
        Assert.Single(await _other.CallsAsync());
        var change = (await _org.Admin.GetJsonAsync($"{_org.Path}/audit"))["items"]!.AsArray()
            .SelectMany(e => e!["changes"]!.AsArray()).Single(c => c!.Text("field") == "dataRetentionDays")!;
        Assert.Equal("30", change.Text("after"));
    }

    [Fact]
    public async Task PurgeOfManyRowsDeletesThemInBatchesOfAtMostTheBatchSizeAndKeepsWhatIsNewer()
    {
        var now = _app.Clock.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            await _org.TextAsync(_alice, $"+1415555030{i}", GroupNumber, now.AddDays(-40).AddMinutes(i % 3));
        }

        await _org.TextAsync(_alice, Contact, GroupNumber, now.AddDays(-1));
        await _other.TextAsync(_theirAgent, OtherContact, TheirNumber, now.AddDays(-400));
        await _org.SetAsync("/privacy", new { dataRetentionDays = 30 });

        var purged = await PurgeAsync();

        Assert.Equal((10, 10, 0), Counts(purged));
        // 10 texts, at most 4 per transaction (each with its last-text entry): 3 batches at least.
        Assert.True(purged.Batches >= 3, $"{purged.Batches} batches");
        Assert.Equal(["Reject"], (await _app.Provider().CallAsync("+14155550305", GroupNumber)).Answer.Verbs);
        Assert.Equal(["Dial"], (await _app.Provider().CallAsync(Contact, GroupNumber)).Answer.Verbs);
        Assert.Equal(["Dial"], (await _app.Provider().CallAsync(OtherContact, TheirNumber)).Answer.Verbs);
    }

    private static (int, int, int) Counts(Purged purged) =>
        (purged.MessageEvents, purged.LastTexts, purged.CallRecords);

    private Task<Purged> PurgeAsync() =>
        _app.Services.GetServices<IHostedService>()
            .OfType<RetentionPurge>()
            .Single()
            .PurgeAsync(CancellationToken.None);
}
