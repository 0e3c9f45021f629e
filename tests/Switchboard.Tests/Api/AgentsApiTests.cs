using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>Agents over HTTP: phones normalized and masked, what an agent's own key may do, deletion.</summary>
[Trait("Database", "yes")]
public sealed class AgentsApiTests : IAsyncLifetime
{
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";
    private const string PlatformNumber = "+14155550100";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync();
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        await _org.AddNumberAsync(PlatformNumber, groupId: _group);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private string AgentPath(long id) => $"{_org.Path}/agents/{id}";

    private Task<HttpResponseMessage> CreateAsync(object body) =>
        _org.Admin.PostAsJsonAsync($"{_org.Path}/agents", body);

    private async Task<JsonNode> AsAdminAsync(long id) => await _org.Admin.GetJsonAsync(AgentPath(id));

    private async Task<JsonNode> AsItselfAsync(long id) =>
        await (await _org.AgentClientAsync(id)).GetJsonAsync(AgentPath(id));

    private async Task<int> AgentCountAsync() => (await _org.Admin.GetJsonAsync($"{_org.Path}/agents")).AsArray().Count;

    [Fact]
    public async Task AgentPhoneWrittenAnyWayIsStoredInE164AndShownToAdminsMasked()
    {
        var response = await CreateAsync(new { name = "Carol", email = "carol@example.org", phone = "(415) 555-0113" });

        var created = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("***0113", created.TextOrNull("phone"));
        Assert.Equal("***0113", (await AsAdminAsync(created.Id())).TextOrNull("phone"));
        Assert.Equal("+14155550113", (await AsItselfAsync(created.Id())).TextOrNull("phone"));
    }

    [Fact]
    public async Task NewAgentIsAnActiveAgentByDefault()
    {
        var created = await TestOrganization.ReadAsync(
            await CreateAsync(new { name = "Carol", email = "carol@example.org", phone = "+14155550113" }));

        Assert.Equal("Carol", created.Text("name"));
        Assert.Equal("carol@example.org", created.Text("email"));
        Assert.Equal("agent", created.Text("role"));
        Assert.True(created["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AgentWithoutAPhoneIsAccepted()
    {
        var created = await TestOrganization.ReadAsync(
            await CreateAsync(new { name = "Carol", email = "carol@example.org" }));

        Assert.Null((await AsAdminAsync(created.Id())).TextOrNull("phone"));
    }

    [Fact]
    public async Task NoAdminViewShowsAnAgentsFullPhone()
    {
        var list = await _org.Admin.GetJsonAsync($"{_org.Path}/agents");
        var one = await AsAdminAsync(_alice);

        Assert.Equal(["***0111", "***0112"], list.AsArray().Select(a => a!.TextOrNull("phone")));
        Assert.Equal("***0111", one.TextOrNull("phone"));
        Assert.DoesNotContain("4155550111", list.ToJsonString() + one.ToJsonString());
    }

    [Fact]
    public async Task AgentSeesItsOwnPhoneInFull()
    {
        Assert.Equal(AlicePhone, (await AsItselfAsync(_alice)).TextOrNull("phone"));
    }

    [Theory]
    [InlineData("555-0100")]
    [InlineData("my cell")]
    [InlineData("+1 415 555 01")]
    [InlineData(PlatformNumber)]
    public async Task InvalidPhoneIsRefusedNamingPhoneAndNoAgentIsCreated(string phone)
    {
        var response = await CreateAsync(new { name = "Carol", email = "carol@example.org", phone });

        Assert.Equal(["phone"], await ErrorFieldsAsync(response));
        Assert.Equal(2, await AgentCountAsync());
    }

    [Theory]
    [InlineData("carol")]
    [InlineData("carol@")]
    [InlineData("Carol <carol@example.org>")]
    [InlineData("")]
    [InlineData(null)]
    public async Task InvalidEmailIsRefusedNamingEmailAndNoAgentIsCreated(string? email)
    {
        var response = await CreateAsync(new { name = "Carol", email, phone = "+14155550113" });

        Assert.Equal(["email"], await ErrorFieldsAsync(response));
        Assert.Equal(2, await AgentCountAsync());
    }

    [Fact]
    public async Task MissingNameIsRefusedNamingName()
    {
        var response = await CreateAsync(new { email = "carol@example.org", phone = "+14155550113" });

        Assert.Equal(["name"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task UnknownRoleIsRefusedNamingRole()
    {
        var response = await CreateAsync(new { name = "Carol", email = "carol@example.org", role = "owner" });

        Assert.Equal(["role"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task EmailAlreadyUsedInTheOrganizationIsAConflictWhateverItsCase()
    {
        await CreateAsync(new { name = "Carol", email = "carol@example.org" });

        var response = await CreateAsync(new { name = "Carol Two", email = "Carol@Example.org" });

        await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(3, await AgentCountAsync());
    }

    [Fact]
    public async Task AgentChangesItsOwnPhoneWrittenAnyWay()
    {
        var agent = await _org.AgentClientAsync(_alice);

        var response = await agent.PatchAsJsonAsync(AgentPath(_alice), new { phone = "415 555 0133" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+14155550133", (await TestOrganization.ReadAsync(response)).TextOrNull("phone"));
        Assert.Equal("***0133", (await AsAdminAsync(_alice)).TextOrNull("phone"));
    }

    [Theory]
    [InlineData("""{"active": false}""")]
    [InlineData("""{"role": "admin"}""")]
    [InlineData("""{"name": "Queen Alice"}""")]
    [InlineData("""{"phone": "+14155550133", "role": "admin"}""")]
    public async Task AgentCannotChangeAnythingButItsPhoneAndNothingChanges(string body)
    {
        var agent = await _org.AgentClientAsync(_alice);
        var before = (await AsAdminAsync(_alice)).ToJsonString();

        var response = await agent.SendRawAsync(HttpMethod.Patch, AgentPath(_alice), body);

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, (await AsAdminAsync(_alice)).ToJsonString());
    }

    [Fact]
    public async Task AgentCannotReadOrChangeAnotherAgent()
    {
        var agent = await _org.AgentClientAsync(_alice);

        var read = await agent.GetAsync(AgentPath(_bob));
        var change = await agent.PatchAsJsonAsync(AgentPath(_bob), new { phone = "+14155550133" });

        await ProblemAsync(read, HttpStatusCode.Forbidden);
        await ProblemAsync(change, HttpStatusCode.Forbidden);
        Assert.Equal(BobPhone, (await AsItselfAsync(_bob)).TextOrNull("phone"));
    }

    [Theory]
    [InlineData("not a phone")]
    [InlineData(PlatformNumber)]
    public async Task AgentGivingItselfAnInvalidPhoneIsRefusedNamingPhoneAndKeepsTheOldOne(string phone)
    {
        var agent = await _org.AgentClientAsync(_alice);

        var response = await agent.PatchAsJsonAsync(AgentPath(_alice), new { phone });

        Assert.Equal(["phone"], await ErrorFieldsAsync(response));
        Assert.Equal(AlicePhone, (await agent.GetJsonAsync(AgentPath(_alice))).TextOrNull("phone"));
    }

    [Theory]
    [InlineData("""{"phone": "+14155550133", "Phone": "+14155550134"}""")]
    [InlineData("""{"phone": "+14155550133", "phone": "+14155550134"}""")]
    public async Task PatchGivingAFieldTwiceIsABadRequestNotAServerError(string body)
    {
        var agent = await _org.AgentClientAsync(_alice);

        var response = await agent.SendRawAsync(HttpMethod.Patch, AgentPath(_alice), body);

        Assert.Equal(["phone"], await ErrorFieldsAsync(response));
        Assert.Equal(AlicePhone, (await agent.GetJsonAsync(AgentPath(_alice))).TextOrNull("phone"));
    }

    [Fact]
    public async Task AdminDeactivatesAnAgentAndChangesItsRole()
    {
        var response = await _org.Admin.PatchAsJsonAsync(AgentPath(_bob), new { active = false, role = "admin" });

        var answer = await TestOrganization.ReadAsync(response);
        Assert.False(answer["active"]!.GetValue<bool>());
        Assert.Equal("admin", answer.Text("role"));
        Assert.False((await AsAdminAsync(_bob))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AdminRemovesAnAgentsPhoneWithNull()
    {
        var response = await _org.Admin.SendRawAsync(HttpMethod.Patch, AgentPath(_bob), """{"phone": null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await AsAdminAsync(_bob)).TextOrNull("phone"));
    }

    [Fact]
    public async Task PatchWithAnInvalidFieldChangesNoneOfTheOthers()
    {
        var response = await _org.Admin.PatchAsJsonAsync(
            AgentPath(_bob),
            new { name = "Robert", email = "not an email" });

        Assert.Equal(["email"], await ErrorFieldsAsync(response));
        Assert.Equal("Bob", (await AsAdminAsync(_bob)).Text("name"));
    }

    [Fact]
    public async Task PatchWithAFieldThatAgentsDoNotHaveIsRefusedNamingIt()
    {
        var response = await _org.Admin.PatchAsJsonAsync(AgentPath(_bob), new { salary = 1 });

        Assert.Equal(["salary"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task DeletedAgentIsGoneFromGetAndList()
    {
        var deleted = await _org.Admin.DeleteAsync(AgentPath(_bob));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(await _org.Admin.GetAsync(AgentPath(_bob)), HttpStatusCode.NotFound);
        await ProblemAsync(
            await _org.Admin.PatchAsJsonAsync(AgentPath(_bob), new { name = "Bob again" }),
            HttpStatusCode.NotFound);
        await ProblemAsync(await _org.Admin.DeleteAsync(AgentPath(_bob)), HttpStatusCode.NotFound);
        Assert.DoesNotContain(
            _bob,
            (await _org.Admin.GetJsonAsync($"{_org.Path}/agents")).AsArray().Select(a => a!.Id()));
    }

    [Fact]
    public async Task DeletedAgentsEmailCanBeGivenToANewAgent()
    {
        var email = (await AsAdminAsync(_bob)).Text("email");
        await _org.Admin.DeleteAsync(AgentPath(_bob));

        var response = await CreateAsync(new { name = "Bob Two", email });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task AgentOfAnotherOrganizationIsNotFoundHere()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        var theirs = await other.CreateAgentAsync("Trudy", "+14155550122");

        await ProblemAsync(await _org.Admin.GetAsync(AgentPath(theirs)), HttpStatusCode.NotFound);
        await ProblemAsync(
            await _org.Admin.PatchAsJsonAsync(AgentPath(theirs), new { active = false }),
            HttpStatusCode.NotFound);
        await ProblemAsync(await _org.Admin.DeleteAsync(AgentPath(theirs)), HttpStatusCode.NotFound);
        Assert.True((await other.Admin.GetJsonAsync($"{other.Path}/agents/{theirs}"))["active"]!.GetValue<bool>());
    }

    /// <summary>The rule behind the panel's refusal to let the only admin delete themselves.</summary>
    [Fact]
    public async Task AnAgentIsTheLastAdminOnlyWhileNoOtherActiveUndeletedAdminOfItsOrganizationExists()
    {
        var ada = await _org.CreateAgentAsync("Ada", null, role: "admin");
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.CreateAgentAsync("Olga", null, role: "admin");
        var inactive = await _org.CreateAgentAsync("Ian", null, active: false, role: "admin");

        Assert.True(await IsLastAdminAsync(ada));
        Assert.False(await IsLastAdminAsync(_alice));
        Assert.False(await IsLastAdminAsync(inactive));

        var second = await _org.CreateAgentAsync("Sam", null, role: "admin");
        Assert.False(await IsLastAdminAsync(ada));

        Assert.Equal(HttpStatusCode.NoContent, (await _org.Admin.DeleteAsync(AgentPath(second))).StatusCode);
        Assert.True(await IsLastAdminAsync(ada));
    }

    private async Task<bool> IsLastAdminAsync(long agentId)
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Switchboard.Admin.AgentDirectory>()
            .IsLastAdminAsync(_org.Id, agentId, CancellationToken.None);
    }
}
