using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Api;

/// <summary>
/// The call options of the organization, groups and inboxes, and group members, through the admin API.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallOptionsApiTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync("+14155550100", groupId: _group);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonNode> GetAsync(string path) =>
        await TestOrganization.ReadAsync(await _org.Admin.GetAsync(_org.Path + path));

    private async Task<string[]> ErrorFieldsAsync(string path, object body)
    {
        var response = await _org.Admin.PutAsJsonAsync(_org.Path + path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();
    }

    [Fact]
    public async Task DefaultsKeepSpecBehaviour()
    {
        var organization = await GetAsync("/call-options");
        var group = await GetAsync($"/groups/{_group}/call-options");
        var inbox = await GetAsync($"/inboxes/{_inbox}/call-options");

        Assert.Equal("message", organization["fallback"]!["mode"]!.GetValue<string>());
        Assert.Null(organization["unavailableMessage"]);
        Assert.True(organization["sayContactName"]!.GetValue<bool>());
        Assert.Null(organization["lastTextMaxAgeDays"]);
        Assert.Equal("followOrganization", group["fallback"]!["mode"]!.GetValue<string>());
        Assert.False(group["rejectWithMessage"]!.GetValue<bool>());
        Assert.False(group["membersOnly"]!.GetValue<bool>());
        Assert.False(inbox["rejectWithMessage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task GroupShowsTheEffectiveFallbackAndMessageItFollows()
    {
        await _org.SetAsync(
            "/call-options",
            new
            {
                fallback = new { mode = "forward", forwardTo = "415 555 0144" },
                unavailableMessage = new { say = "Sorry!" },
            });

        var group = await GetAsync($"/groups/{_group}/call-options");

        Assert.Equal("forward", group["effective"]!["fallback"]!["mode"]!.GetValue<string>());
        Assert.Equal("+14155550144", group["effective"]!["fallback"]!["forwardTo"]!.GetValue<string>());
        Assert.Equal("Sorry!", group["effective"]!["unavailableMessage"]!["say"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutReplacesTheWholeSetSoLeftOutOptionsReturnToTheirDefaults()
    {
        await _org.SetAsync("/call-options", new { sayContactName = false, lastTextMaxAgeDays = 30 });
        await _org.SetAsync("/call-options", new { lastTextMaxAgeDays = 7 });

        var organization = await GetAsync("/call-options");

        Assert.True(organization["sayContactName"]!.GetValue<bool>());
        Assert.Equal(7, organization["lastTextMaxAgeDays"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadOptionsAreRefusedNamingEachFieldAndNothingChanges()
    {
        await _org.SetAsync("/call-options", new { lastTextMaxAgeDays = 30 });

        Assert.Equal(
            ["fallback.forwardTo"],
            await ErrorFieldsAsync("/call-options", new { fallback = new { mode = "forward" } }));
        Assert.Equal(
            ["fallback.forwardTo"],
            await ErrorFieldsAsync(
                "/call-options",
                new { fallback = new { mode = "forward", forwardTo = "+14155550100" } }));
        Assert.Equal(
            ["fallback.mode"],
            await ErrorFieldsAsync("/call-options", new { fallback = new { mode = "voicemail" } }));
        Assert.Equal(
            ["fallback.mode"],
            await ErrorFieldsAsync("/call-options", new { fallback = new { mode = "followOrganization" } }));
        Assert.Equal(["lastTextMaxAgeDays"], await ErrorFieldsAsync("/call-options", new { lastTextMaxAgeDays = 0 }));
        Assert.Equal(
            ["unavailableMessage"],
            await ErrorFieldsAsync(
                "/call-options",
                new { unavailableMessage = new { say = "Hi", play = "https://a.example/x.mp3" } }));
        Assert.Equal(
            ["unavailableMessage.play"],
            await ErrorFieldsAsync(
                $"/groups/{_group}/call-options",
                new { unavailableMessage = new { play = "javascript:alert(1)" } }));
        Assert.Equal(["unavailableMessage.language", "unavailableMessage.voice"],
            await ErrorFieldsAsync(
                $"/inboxes/{_inbox}/call-options",
                new { unavailableMessage = new { say = "Hi", voice = "<script>", language = "english please" } }));
        Assert.Equal(
            ["unavailableMessage.say"],
            await ErrorFieldsAsync("/call-options", new { unavailableMessage = new { say = new string('a', 1001) } }));

        Assert.Equal(30, (await GetAsync("/call-options"))["lastTextMaxAgeDays"]!.GetValue<int>());
    }

    [Fact]
    public async Task FallbackNumberCannotLaterBecomeAPlatformNumber()
    {
        await _org.SetAsync(
            $"/groups/{_group}/call-options",
            new { fallback = new { mode = "forward", forwardTo = "+14155550133" } });

        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/numbers", new { number = "+14155550133" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("forward target", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MembersAreAddedOnceListedAndRemoved()
    {
        var add = await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_alice}", null);
        var again = await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_alice}", null);
        var listed = (await GetAsync($"/groups/{_group}/members")).AsArray();
        var remove = await _org.Admin.DeleteAsync($"{_org.Path}/groups/{_group}/members/{_alice}");
        var removeAgain = await _org.Admin.DeleteAsync($"{_org.Path}/groups/{_group}/members/{_alice}");

        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var member = Assert.Single(listed)!;
        Assert.Equal(_alice, member["agentId"]!.GetValue<long>());
        Assert.Equal("Alice", member["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removeAgain.StatusCode);
        Assert.Empty((await GetAsync($"/groups/{_group}/members")).AsArray());
    }

    [Fact]
    public async Task AgentOfAnotherOrganizationCannotBecomeAMember()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        var stranger = await other.CreateAgentAsync("Stranger", "+14155550122");

        var response = await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{stranger}", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OptionsOfAnotherOrganizationsGroupAreNotFoundAndAgentsMayNotChangeThem()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        var agent = await _org.AgentClientAsync(_alice);

        var foreign = await other.Admin.GetAsync($"{_org.Path}/groups/{_group}/call-options");
        var byAgent = await agent.PutAsJsonAsync($"{_org.Path}/call-options", new { sayContactName = false });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.True((await GetAsync("/call-options"))["sayContactName"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ContactNameLongerThanAHundredCharactersIsRefusedNamingTheItem()
    {
        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new
        {
            messages = new[] { new
            {
                agentId = _alice,
                contact = "+14155550199",
                from = "+14155550100",
                sentAt = DateTimeOffset.UtcNow,
                contactName = new string('x', 101),
            } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("messages[0].contactName", await response.Content.ReadAsStringAsync());
    }
}
