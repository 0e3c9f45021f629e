using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Api;

/// <summary>Who may do what through the admin API: bearer keys, organizations kept apart, roles.</summary>
[Trait("Database", "yes")]
public sealed class AdminAccessTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long _group;
    private long _agent;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _group = await _org.CreateGroupAsync();
        _agent = await _org.CreateAgentAsync("Alice", "+14155550111");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private IEnumerable<(HttpMethod Method, string Path, object? Body)> EveryEndpointOfTheOrganization() =>
    [
        (HttpMethod.Get, "/inbound-calls", null),
        (HttpMethod.Put, "/inbound-calls", new { mode = "lastAgent" }),
        (HttpMethod.Post, "/groups", new { name = "X" }),
        (HttpMethod.Get, "/groups", null),
        (HttpMethod.Get, $"/groups/{_group}", null),
        (HttpMethod.Get, $"/groups/{_group}/inbound-calls", null),
        (HttpMethod.Put, $"/groups/{_group}/inbound-calls", new { mode = "lastAgent" }),
        (HttpMethod.Post, "/inboxes", new { name = "X" }),
        (HttpMethod.Get, "/inboxes", null),
        (HttpMethod.Post, "/agents", new { name = "X", email = "x@example.org" }),
        (HttpMethod.Get, "/agents", null),
        (HttpMethod.Get, $"/agents/{_agent}", null),
        (HttpMethod.Patch, $"/agents/{_agent}", new { name = "Y" }),
        (HttpMethod.Delete, $"/agents/{_agent}", null),
        (HttpMethod.Post, "/numbers", new { number = "+14155550100" }),
        (HttpMethod.Get, "/numbers", null),
        (HttpMethod.Post, "/messages",
            new { messages = new[] { new
            {
                agentId = _agent,
                contact = "+14155550199",
                from = "+14155550100",
                sentAt = DateTimeOffset.UtcNow,
            } } }),
        (HttpMethod.Get, "/calls", null),
        (HttpMethod.Post, "/api-keys", new { name = "k", role = "admin" }),
        (HttpMethod.Get, "/api-keys", null),
    ];

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null
            ? null
            : JsonContent.Create(body) };
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task RequestWithoutAKeyIsUnauthorizedWithProblemDetails()
    {
        var response = await _app.CreateClient().GetAsync($"{_org.Path}/groups");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("sbk_1_wrongsecret")]
    [InlineData("sbk_999999_whatever")]
    public async Task UnknownKeyIsUnauthorized(string key)
    {
        var response = await _app.WithBearer(key).GetAsync($"{_org.Path}/groups");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminKeyOfAnotherOrganizationGetsNotFoundForEverythingAndChangesNothing()
    {
        foreach (var (method, path, body) in EveryEndpointOfTheOrganization())
        {
            var response = await SendAsync(_other.Admin, method, _org.Path + path, body);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        var groups = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/groups"));
        Assert.Single(groups.AsArray());
        var agent = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/agents/{_agent}"));
        Assert.Equal("Alice", agent["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task OrganizationThatDoesNotExistIsNotFoundEvenForTheOperator()
    {
        var response = await _app.Operator()
            .PostAsJsonAsync("/api/v1/organizations/999999/api-keys", new { name = "k", role = "admin" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AgentKeyCannotChangeSettingsOrManageTheOrganization()
    {
        var agent = await _org.AgentClientAsync(_agent);
        string[] adminOnly =
        [
            "PUT /inbound-calls",
            $"PUT /groups/{_group}/inbound-calls",
            "POST /groups",
            "POST /numbers",
            "POST /messages",
            "POST /agents",
            "GET /agents",
            "POST /api-keys",
        ];

        foreach (var (method, path, body) in EveryEndpointOfTheOrganization()
            .Where(e => adminOnly.Contains($"{e.Method} {e.Path}")))
        {
            var response = await SendAsync(agent, method, _org.Path + path, body);

            Assert.True(
                response.StatusCode == HttpStatusCode.Forbidden,
                $"{method} {path}: {(int)response.StatusCode}");
        }

        var setting = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/inbound-calls"));
        Assert.Equal("lastAgent", setting["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminKeyCannotCreateOrganizations()
    {
        var response = await _org.Admin.PostAsJsonAsync("/api/v1/organizations", new { name = "Mine" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OperatorCreatesAnOrganizationAndAKeyThatWorks()
    {
        var created = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", new { name = "New Org" });
        var organization = await TestOrganization.ReadAsync(created);
        var id = organization["id"]!.GetValue<long>();
        var key = await TestOrganization.ReadAsync(
            await _app.Operator()
                .PostAsJsonAsync($"/api/v1/organizations/{id}/api-keys", new { name = "first admin", role = "admin" }));

        var groups = await _app.WithBearer(key["key"]!.GetValue<string>())
            .GetAsync($"/api/v1/organizations/{id}/groups");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("New Org", organization["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, groups.StatusCode);
    }

    [Fact]
    public async Task RevokedKeyIsUnauthorized()
    {
        var key = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "temp", role = "admin" }));
        var client = _app.WithBearer(key["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{_org.Path}/groups")).StatusCode);

        await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{key["id"]}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"{_org.Path}/groups")).StatusCode);
    }

    [Fact]
    public async Task ListedKeysNeverShowTheirSecret()
    {
        var keys = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/api-keys"));

        Assert.NotEmpty(keys.AsArray());
        Assert.DoesNotContain(_org.AdminKey.Split('_', 3)[2], keys.ToJsonString());
    }

    [Fact]
    public async Task AgentKeySeesItsOwnPhoneInFullAndAdminsSeeItMasked()
    {
        var agent = await _org.AgentClientAsync(_agent);

        var own = await TestOrganization.ReadAsync(await agent.GetAsync($"{_org.Path}/agents/{_agent}"));
        var seenByAdmin = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/agents/{_agent}"));
        var listed = await TestOrganization.ReadAsync(await _org.Admin.GetAsync($"{_org.Path}/agents"));

        Assert.Equal("+14155550111", own["phone"]!.GetValue<string>());
        Assert.Equal("***0111", seenByAdmin["phone"]!.GetValue<string>());
        Assert.DoesNotContain("4155550111", listed.ToJsonString());
    }

    [Fact]
    public async Task AgentChangesItsOwnPhoneButNotItsRoleNorAnotherAgent()
    {
        var bob = await _org.CreateAgentAsync("Bob", "+14155550112");
        var agent = await _org.AgentClientAsync(_agent);

        var phone = await agent.PatchAsJsonAsync($"{_org.Path}/agents/{_agent}", new { phone = "(415) 555-0133" });
        var role = await agent.PatchAsJsonAsync($"{_org.Path}/agents/{_agent}", new { role = "admin" });
        var other = await agent.GetAsync($"{_org.Path}/agents/{bob}");

        Assert.Equal(HttpStatusCode.OK, phone.StatusCode);
        Assert.Equal("+14155550133", (await TestOrganization.ReadAsync(phone))["phone"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, role.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task AgentKeySeesOnlyItsOwnCalls()
    {
        var bob = await _org.CreateAgentAsync("Bob", "+14155550112");
        await _org.AddNumberAsync("+14155550100", groupId: _group);
        await _org.TextAsync(_agent, "+14155550199", "+14155550100", _app.Clock.GetUtcNow().AddHours(-1));
        await _org.TextAsync(bob, "+14155550198", "+14155550100", _app.Clock.GetUtcNow().AddHours(-1));
        var provider = _app.Provider();
        await provider.CallAsync("+14155550199", "+14155550100");
        await provider.CallAsync("+14155550198", "+14155550100");

        var own = await TestOrganization.ReadAsync(
            await (await _org.AgentClientAsync(_agent)).GetAsync($"{_org.Path}/calls"));

        var items = own["items"]!.AsArray();
        Assert.Single(items);
        Assert.Equal(_agent, items[0]!["agentId"]!.GetValue<long>());
        Assert.Equal(2, (await _org.CallsAsync()).Count);
    }

    [Fact]
    public async Task KeysAreStoredHashedNotInClear()
    {
        var secret = _org.AdminKey.Split('_', 3)[2];
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();

        var stored = await db.ApiKeys.AsNoTracking().ToListAsync();

        Assert.NotEmpty(stored);
        Assert.All(stored, k => Assert.Equal(32, k.SecretHash.Length));
        Assert.Contains(stored, k => k.SecretHash.SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
        Assert.DoesNotContain(stored, k => k.Name.Contains(secret, StringComparison.Ordinal));
    }
}
