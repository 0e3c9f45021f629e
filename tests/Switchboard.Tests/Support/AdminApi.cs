using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Support;

/// <summary>An organization created through the operator, and its admin's API client, for setting up tests.</summary>
public sealed class TestOrganization
{
    private TestOrganization(SwitchboardApp app, long id, HttpClient admin, string adminKey)
    {
        App = app;
        Id = id;
        Admin = admin;
        AdminKey = adminKey;
    }

    public SwitchboardApp App { get; }
    public long Id { get; }
    public HttpClient Admin { get; }
    public string AdminKey { get; }
    public string Path => $"/api/v1/organizations/{Id}";

    public static async Task<TestOrganization> CreateAsync(SwitchboardApp app, string name = "Acme Org")
    {
        var op = app.Operator();
        var organization = await ReadAsync(await op.PostAsJsonAsync("/api/v1/organizations", new { name }));
        var id = organization["id"]!.GetValue<long>();
        var key = await ReadAsync(
            await op.PostAsJsonAsync($"/api/v1/organizations/{id}/api-keys", new { name = "admin", role = "admin" }));
        var adminKey = key["key"]!.GetValue<string>();
        return new TestOrganization(app, id, app.WithBearer(adminKey), adminKey);
    }

    public async Task<long> CreateGroupAsync(string name = "Field Team") =>
        (await ReadAsync(await Admin.PostAsJsonAsync($"{Path}/groups", new { name })))["id"]!.GetValue<long>();

    public async Task<long> CreateInboxAsync(string name = "Help Line") =>
        (await ReadAsync(await Admin.PostAsJsonAsync($"{Path}/inboxes", new { name })))["id"]!.GetValue<long>();

    public async Task<long> CreateAgentAsync(
        string name,
        string? phone,
        bool active = true,
        string role = "agent",
        string? email = null) =>
        (await ReadAsync(await Admin.PostAsJsonAsync($"{Path}/agents",
            new
            {
                name,
                email = email ?? $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@example.org",
                phone,
                role,
                active,
            })))["id"]!.GetValue<long>();

    public async Task AddNumberAsync(string number, long? groupId = null, long? inboxId = null) =>
        await ReadAsync(await Admin.PostAsJsonAsync($"{Path}/numbers", new { number, groupId, inboxId }));

    public async Task TextAsync(
        long agentId,
        string contact,
        string from,
        DateTimeOffset sentAt,
        string? id = null,
        string? contactName = null) =>
        await ReadAsync(
            await Admin.PostAsJsonAsync(
                $"{Path}/messages",
                new { messages = new[] { new { id, agentId, contact, from, sentAt, contactName } } }));

    public async Task SetAsync(string settingsPath, object body) =>
        await ReadAsync(await Admin.PutAsJsonAsync($"{Path}{settingsPath}", body));

    /// <summary>An API key for the given agent, and a client that uses it.</summary>
    public async Task<HttpClient> AgentClientAsync(long agentId)
    {
        var key = await ReadAsync(
            await Admin.PostAsJsonAsync($"{Path}/api-keys", new { name = "agent", role = "agent", agentId }));
        return App.WithBearer(key["key"]!.GetValue<string>());
    }

    public async Task<JsonArray> CallsAsync() =>
        (await ReadAsync(await Admin.GetAsync($"{Path}/calls")))["items"]!.AsArray();

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        }

        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }
}
