using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// An admin renames and deletes groups and inboxes: a deleted one's numbers stay the organization's, unassigned, its
/// settings and members go, its calls stay for reports; every change is in the audit log.
/// </summary>
[Trait("Database", "yes")]
public sealed class GroupAndInboxLifecycleTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string SecondGroupNumber = "+14155550101";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(SecondGroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_alice}", null)).StatusCode);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonArray> NumbersAsync() => (JsonArray)await _org.Admin.GetJsonAsync($"{_org.Path}/numbers");

    private async Task<JsonArray> AuditAsync(string entityType) =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType={entityType}"))["items"]!.AsArray();

    [Fact]
    public async Task RenamedGroupAndInboxShowTheirNewNamesAndTheRenameIsAudited()
    {
        var group = await TestOrganization.ReadAsync(
            await _org.Admin.SendJsonAsync(
                HttpMethod.Patch,
                $"{_org.Path}/groups/{_group}",
                new { name = "  Door Knockers " }));
        var inbox = await TestOrganization.ReadAsync(
            await _org.Admin.SendJsonAsync(
                HttpMethod.Patch,
                $"{_org.Path}/inboxes/{_inbox}",
                new { name = "Front Desk" }));

        Assert.Equal("Door Knockers", group.Text("name"));
        Assert.Equal("Front Desk", inbox.Text("name"));
        Assert.Equal("Door Knockers", (await _org.Admin.GetJsonAsync($"{_org.Path}/groups/{_group}")).Text("name"));
        var renamed = (await AuditAsync("group")).First()!;
        Assert.Equal("changed", renamed.Text("action"));
        Assert.Contains(
            renamed["changes"]!.AsArray(),
            c => c!.Text("field") == "name"
                && c!.Text("before") == "Field Team"
                && c!.Text("after") == "Door Knockers");
    }

    [Fact]
    public async Task RenameRefusesABlankNameAndAnotherOrganizationsGroup()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");

        Assert.Equal(
            ["name"],
            await ErrorFieldsAsync(
                await _org.Admin.SendJsonAsync(HttpMethod.Patch, $"{_org.Path}/groups/{_group}", new { name = " " })));
        Assert.Equal(
            ["name"],
            await ErrorFieldsAsync(
                await _org.Admin.SendJsonAsync(
                    HttpMethod.Patch,
                    $"{_org.Path}/inboxes/{_inbox}",
                    new { name = new string('x', 201) })));
        await ProblemAsync(
            await other.Admin.SendJsonAsync(HttpMethod.Patch, $"{other.Path}/groups/{_group}", new { name = "Mine" }),
            HttpStatusCode.NotFound);
        await ProblemAsync(await other.Admin.DeleteAsync($"{other.Path}/inboxes/{_inbox}"), HttpStatusCode.NotFound);
        Assert.Equal("Field Team", (await _org.Admin.GetJsonAsync($"{_org.Path}/groups/{_group}")).Text("name"));
    }

    [Fact]
    public async Task DeletedGroupLeavesItsNumbersUnassignedAndItsCallsForReports()
    {
        var call = await _app.Provider().CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], call.Answer.Verbs);

        var deleted = await TestOrganization.ReadAsync(await _org.Admin.DeleteAsync($"{_org.Path}/groups/{_group}"));

        Assert.Equal(2, deleted["numbersUnassigned"]!.GetValue<int>());
        await ProblemAsync(await _org.Admin.GetAsync($"{_org.Path}/groups/{_group}"), HttpStatusCode.NotFound);
        await ProblemAsync(await _org.Admin.GetAsync($"{_org.Path}/groups/{_group}/members"), HttpStatusCode.NotFound);
        var numbers = await NumbersAsync();
        Assert.All(
            numbers.Where(n => n!.Text("number") != InboxNumber),
            n => Assert.Null(n!["groupId"]?.GetValue<long>()));
        Assert.Equal(_inbox, numbers.Single(n => n!.Text("number") == InboxNumber)!.Id("inboxId"));
        var calls = await _org.CallsAsync();
        Assert.Equal(_group, Assert.Single(calls)!.Id("groupId"));
        var audit = await AuditAsync("group");
        Assert.Equal("deleted", audit.First()!.Text("action"));
        Assert.Contains(
            await AuditAsync("number"),
            e => e!.Text("action") == "changed" && e!.Text("entityId").Length > 0);
        Assert.Contains(await AuditAsync("groupMember"), e => e!.Text("action") == "deleted");
    }

    [Fact]
    public async Task DeletedInboxLeavesItsNumberUnassignedAndOtherTeamsAlone()
    {
        var deleted = await TestOrganization.ReadAsync(await _org.Admin.DeleteAsync($"{_org.Path}/inboxes/{_inbox}"));

        Assert.Equal(1, deleted["numbersUnassigned"]!.GetValue<int>());
        Assert.Equal("Help Line", deleted.Text("name"));
        await ProblemAsync(await _org.Admin.GetAsync($"{_org.Path}/inboxes/{_inbox}"), HttpStatusCode.NotFound);
        var numbers = await NumbersAsync();
        Assert.Null(numbers.Single(n => n!.Text("number") == InboxNumber)!["inboxId"]?.GetValue<long>());
        Assert.Equal(2, numbers.Count(n => n!["groupId"]?.GetValue<long>() == _group));
        await ProblemAsync(await _org.Admin.DeleteAsync($"{_org.Path}/inboxes/{_inbox}"), HttpStatusCode.NotFound);
    }
}
