using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>Bearer authentication, the operator and API keys, and organizations that cannot see each other.</summary>
[Trait("Database", "yes")]
public sealed class KeysAndOrganizationsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One request of every kind under the organization, each of which would change or reveal something.
    /// </summary>
    private List<(HttpMethod Method, string Path, object? Body)> EveryKindOfEndpoint() =>
    [
        (HttpMethod.Get, "/inbound-calls", null),
        (HttpMethod.Put, "/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" }),
        (HttpMethod.Post, "/groups", new { name = "Intruders" }),
        (HttpMethod.Get, "/groups", null),
        (HttpMethod.Get, $"/groups/{_group}", null),
        (HttpMethod.Get, $"/groups/{_group}/inbound-calls", null),
        (HttpMethod.Put, $"/groups/{_group}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" }),
        (HttpMethod.Post, "/inboxes", new { name = "Intruders" }),
        (HttpMethod.Get, "/inboxes", null),
        (HttpMethod.Get, $"/inboxes/{_inbox}", null),
        (HttpMethod.Get, $"/inboxes/{_inbox}/inbound-calls", null),
        (HttpMethod.Put, $"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" }),
        (HttpMethod.Post, "/agents", new { name = "Mallory", email = "mallory@example.org", phone = "+14155550166" }),
        (HttpMethod.Get, "/agents", null),
        (HttpMethod.Get, $"/agents/{_alice}", null),
        (HttpMethod.Patch, $"/agents/{_alice}", new { phone = "+14155550166" }),
        (HttpMethod.Delete, $"/agents/{_alice}", null),
        (HttpMethod.Post, "/numbers", new { number = "+14155550150", groupId = _group }),
        (HttpMethod.Get, "/numbers", null),
        (HttpMethod.Patch, "/numbers/%2B14155550100", new { inboxId = _inbox }),
        (HttpMethod.Delete, "/numbers/%2B14155550102", null),
        (HttpMethod.Post, "/messages",
            new { messages = new[] { new
            {
                agentId = _alice,
                contact = "+14155550199",
                from = GroupNumber,
                sentAt = _app.Clock.GetUtcNow(),
            } } }),
        (HttpMethod.Get, "/calls", null),
        (HttpMethod.Post, "/api-keys", new { name = "backdoor", role = "admin" }),
        (HttpMethod.Get, "/api-keys", null),
        (HttpMethod.Delete, $"/api-keys/{KeyId(_org.AdminKey)}", null),
    ];

    /// <summary>The organization as its own admin sees it, to compare before and after refused requests.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var path in new[]
        {
            "/inbound-calls",
            "/groups",
            $"/groups/{_group}/inbound-calls",
            "/inboxes",
            $"/inboxes/{_inbox}/inbound-calls",
            "/agents",
            "/numbers",
            "/api-keys",
        })
        {
            parts.Add((await _org.Admin.GetJsonAsync(_org.Path + path)).ToJsonString());
        }

        return string.Join("\n", parts);
    }

    [Theory]
    [InlineData("POST", "/api/v1/organizations")]
    [InlineData("GET", "/api/v1/organizations/{org}/inbound-calls")]
    [InlineData("GET", "/api/v1/organizations/{org}/agents")]
    [InlineData("GET", "/api/v1/organizations/{org}/calls")]
    public async Task RequestWithoutAuthorizationHeaderIsUnauthorizedWithABearerChallenge(string method, string path)
    {
        var response = await _app.CreateClient().SendJsonAsync(
            new HttpMethod(method),
            path.Replace("{org}", $"{_org.Id}"),
            method == "POST" ? new { name = "X" } : null);

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sbk_")]
    [InlineData("sbk_abc_def")]
    [InlineData("sbk_999999_secret")]
    [InlineData("test-operator-token-but-longer")]
    public async Task UnknownOrGarbageKeyIsUnauthorized(string key)
    {
        var response = await _app.WithBearer(key).GetAsync($"{_org.Path}/inbound-calls");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RealKeyIdWithAWrongSecretIsUnauthorized()
    {
        var forged = $"sbk_{KeyId(_org.AdminKey)}_{new string('A', 43)}";

        var response = await _app.WithBearer(forged).GetAsync($"{_org.Path}/inbound-calls");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeySentAsBasicCredentialsIsUnauthorized()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", _org.AdminKey);

        var response = await client.GetAsync($"{_org.Path}/inbound-calls");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OperatorCreatesAnOrganizationAnsweringCreatedWithIdAndName()
    {
        var response = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", new { name = "  Beta Org  " });

        var organization = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Beta Org", organization.Text("name"));
        Assert.NotEqual(_org.Id, organization.Id());
        Assert.NotEqual(_other.Id, organization.Id());
        Assert.EndsWith($"/api/v1/organizations/{organization.Id()}", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task OrganizationWithoutANameIsRefusedNamingName(string? name)
    {
        var response = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", new { name });

        Assert.Equal(["name"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task OperatorIssuesAnAdminKeyShownOnceThatWorksForItsOrganizationOnly()
    {
        var response = await _app.Operator()
            .PostAsJsonAsync($"{_other.Path}/api-keys", new { name = "second admin", role = "admin" });
        var created = await TestOrganization.ReadAsync(response);
        var key = created.Text("key");
        var client = _app.WithBearer(key);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(created.Id(), KeyId(key));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{_other.Path}/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{_org.Path}/groups")).StatusCode);
        Assert.DoesNotContain(key, (await _other.Admin.GetJsonAsync($"{_other.Path}/api-keys")).ToJsonString());
    }

    [Fact]
    public async Task AdminIssuesAnAgentKeyThatReadsItsOwnAgent()
    {
        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/api-keys",
            new { name = "alice's phone", role = "agent", agentId = _alice });
        var agent = _app.WithBearer((await TestOrganization.ReadAsync(response)).Text("key"));

        var own = await agent.GetAsync($"{_org.Path}/agents/{_alice}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task KeyWithAnUnknownRoleIsRefusedNamingRole()
    {
        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/api-keys",
            new { name = "k", role = "superuser" });

        Assert.Equal(["role"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AgentKeyWithoutAnAgentIsRefusedNamingAgentId()
    {
        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "k", role = "agent" });

        Assert.Equal(["agentId"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AgentKeyForAnAgentOfAnotherOrganizationIsRefusedNamingAgentId()
    {
        var theirAgent = await _other.CreateAgentAsync("Trudy", "+14155550122");

        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/api-keys",
            new { name = "k", role = "agent", agentId = theirAgent });

        Assert.Equal(["agentId"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task WrongOperatorTokenCannotCreateOrganizations()
    {
        var response = await _app.WithBearer(SwitchboardApp.OperatorToken + "x")
            .PostAsJsonAsync("/api/v1/organizations", new { name = "Sneaky" });

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminAndAgentKeysCannotCreateOrganizations()
    {
        var agent = await _org.AgentClientAsync(_alice);

        var byAdmin = await _org.Admin.PostAsJsonAsync("/api/v1/organizations", new { name = "Mine" });
        var byAgent = await agent.PostAsJsonAsync("/api/v1/organizations", new { name = "Mine" });

        await ProblemAsync(byAdmin, HttpStatusCode.Forbidden);
        await ProblemAsync(byAgent, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OperatorTokenIsNotAnAdminOfTheOrganizations()
    {
        var response = await _app.Operator()
            .PutAsJsonAsync($"{_org.Path}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" });

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("lastAgent", (await _org.Admin.GetJsonAsync($"{_org.Path}/inbound-calls")).Text("mode"));
    }

    [Fact]
    public async Task AdminKeyOfAnotherOrganizationGetsNotFoundForEveryKindOfEndpointAndChangesNothing()
    {
        var before = await SnapshotAsync();

        foreach (var (method, path, body) in EveryKindOfEndpoint())
        {
            var response = await _other.Admin.SendJsonAsync(method, _org.Path + path, body);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(HttpStatusCode.OK, (await _org.Admin.GetAsync($"{_org.Path}/groups")).StatusCode);
    }

    [Fact]
    public async Task AgentKeyOfAnotherOrganizationGetsNotFoundForEveryKindOfEndpointAndChangesNothing()
    {
        var theirAgent = await _other.AgentClientAsync(await _other.CreateAgentAsync("Trudy", "+14155550122"));
        var before = await SnapshotAsync();

        foreach (var (method, path, body) in EveryKindOfEndpoint())
        {
            var response = await theirAgent.SendJsonAsync(method, _org.Path + path, body);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task KeyOfAnotherOrganizationGetsNotFoundEvenWithABodyThatCannotBeRead()
    {
        var response = await _other.Admin.SendRawAsync(HttpMethod.Put, $"{_org.Path}/inbound-calls", """{"mode": 7}""");

        await ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AgentKeyIsForbiddenFromEverythingButItsOwnRecordAndCallsAndChangesNothing()
    {
        var agent = await _org.AgentClientAsync(_alice);
        var before = await SnapshotAsync();
        string[] allowed = [$"GET /agents/{_alice}", $"PATCH /agents/{_alice}", "GET /calls"];

        foreach (var (method, path, body) in EveryKindOfEndpoint()
            .Where(e => !allowed.Contains($"{e.Method} {e.Path}")))
        {
            var response = await agent.SendJsonAsync(method, _org.Path + path, body);

            Assert.True(
                response.StatusCode == HttpStatusCode.Forbidden,
                $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task RevokedKeyIsUnauthorizedEverywhereWhileOtherKeysKeepWorking()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "laptop", role = "admin" }));
        var revoked = _app.WithBearer(created.Text("key"));

        var revoke = await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        foreach (var (method, path, body) in EveryKindOfEndpoint())
        {
            var response = await revoked.SendJsonAsync(method, _org.Path + path, body);

            Assert.True(
                response.StatusCode == HttpStatusCode.Unauthorized,
                $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await _org.Admin.GetAsync($"{_org.Path}/groups")).StatusCode);
        var listed = (await _org.Admin.GetJsonAsync($"{_org.Path}/api-keys")).AsArray()
            .Single(k => k!.Id() == created.Id())!;
        Assert.NotNull(listed.TextOrNull("revokedAt"));
    }

    [Fact]
    public async Task RevokedAgentKeyIsUnauthorized()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync(
                $"{_org.Path}/api-keys",
                new { name = "alice", role = "agent", agentId = _alice }));
        var agent = _app.WithBearer(created.Text("key"));
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"{_org.Path}/agents/{_alice}")).StatusCode);

        await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");

        await ProblemAsync(await agent.GetAsync($"{_org.Path}/agents/{_alice}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeyOfAnotherOrganizationCannotBeRevokedThroughThisOne()
    {
        var response = await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{KeyId(_other.AdminKey)}");

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _other.Admin.GetAsync($"{_other.Path}/groups")).StatusCode);
    }

    [Fact]
    public async Task KeyOfADeletedAgentIsUnauthorized()
    {
        var agent = await _org.AgentClientAsync(_alice);

        await _org.Admin.DeleteAsync($"{_org.Path}/agents/{_alice}");

        await ProblemAsync(await agent.GetAsync($"{_org.Path}/agents/{_alice}"), HttpStatusCode.Unauthorized);
        await ProblemAsync(await agent.GetAsync($"{_org.Path}/calls"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeysAreListedWithIdNameRoleAgentAndDatesButNeverASecret()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync(
                $"{_org.Path}/api-keys",
                new { name = "alice's phone", role = "agent", agentId = _alice }));

        var listed = (await _org.Admin.GetJsonAsync($"{_org.Path}/api-keys")).AsArray()
            .Single(k => k!.Id() == created.Id())!;

        Assert.Equal("alice's phone", listed.Text("name"));
        Assert.Equal("agent", listed.Text("role"));
        Assert.Equal(_alice, listed.Id("agentId"));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, listed["createdAt"]!.GetValue<DateTime>());
        Assert.Null(listed.TextOrNull("revokedAt"));
        Assert.Equal(
            ["agentId", "createdAt", "id", "name", "revokedAt", "role"],
            listed.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RotatedKeyKeepsItsIdentityAndOnlyTheNewSecretWorksFromThatMoment()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "laptop", role = "admin" }));
        var old = _app.WithBearer(created.Text("key"));
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync($"{_org.Path}/groups")).StatusCode);

        var response = await _org.Admin.PostAsync($"{_org.Path}/api-keys/{created.Id()}/rotate", null);

        var rotated = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(created.Id(), rotated.Id());
        Assert.Equal(created.Id(), KeyId(rotated.Text("key")));
        Assert.Equal("laptop", rotated.Text("name"));
        Assert.Equal("admin", rotated.Text("role"));
        Assert.NotEqual(created.Text("key"), rotated.Text("key"));
        await ProblemAsync(await old.GetAsync($"{_org.Path}/groups"), HttpStatusCode.Unauthorized);
        Assert.Equal(
            HttpStatusCode.OK,
            (await _app.WithBearer(rotated.Text("key")).GetAsync($"{_org.Path}/groups")).StatusCode);
        var listed = (await _org.Admin.GetJsonAsync($"{_org.Path}/api-keys")).ToJsonString();
        Assert.DoesNotContain(rotated.Text("key").Split('_', 3)[2], listed);
    }

    [Fact]
    public async Task RotatedAgentKeyIsStillThatAgentsKey()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync(
                $"{_org.Path}/api-keys",
                new { name = "alice", role = "agent", agentId = _alice }));

        var rotated = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsync($"{_org.Path}/api-keys/{created.Id()}/rotate", null));
        var agent = _app.WithBearer(rotated.Text("key"));

        Assert.Equal("agent", rotated.Text("role"));
        Assert.Equal(_alice, rotated.Id("agentId"));
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"{_org.Path}/agents/{_alice}")).StatusCode);
        await ProblemAsync(await agent.GetAsync($"{_org.Path}/groups"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RevokedKeyIsNeverRotatedBackToLife()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "lost", role = "admin" }));
        await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");

        var response = await _org.Admin.PostAsync($"{_org.Path}/api-keys/{created.Id()}/rotate", null);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("API key revoked", problem.Text("title"));
        await ProblemAsync(
            await _app.WithBearer(created.Text("key")).GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokingTwiceKeepsTheFirstRevocationTime()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "lost", role = "admin" }));
        await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");
        var first = (await _org.Admin.GetJsonAsync($"{_org.Path}/api-keys")).AsArray()
            .Single(k => k!.Id() == created.Id())!
            .Text("revokedAt");
        _app.Clock.Advance(TimeSpan.FromHours(1));

        var again = await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(
            first,
            (await _org.Admin.GetJsonAsync($"{_org.Path}/api-keys")).AsArray()
                .Single(k => k!.Id() == created.Id())!
                .Text("revokedAt"));
    }

    [Fact]
    public async Task KeyOfAnotherOrganizationCannotBeRotatedThroughThisOneAndKeepsWorking()
    {
        var response = await _org.Admin.PostAsync($"{_org.Path}/api-keys/{KeyId(_other.AdminKey)}/rotate", null);

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _other.Admin.GetAsync($"{_other.Path}/groups")).StatusCode);
    }

    [Fact]
    public async Task AgentKeyCannotRotateItselfAndKeepsWorking()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync(
                $"{_org.Path}/api-keys",
                new { name = "alice", role = "agent", agentId = _alice }));
        var agent = _app.WithBearer(created.Text("key"));

        var response = await agent.PostAsync($"{_org.Path}/api-keys/{created.Id()}/rotate", null);

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"{_org.Path}/agents/{_alice}")).StatusCode);
    }
}
