using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Audit;
using Switchboard.Storage;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Audit;

/// <summary>
/// The audit log over HTTP: every change through the API or the panel is there with who, when and before → after;
/// secrets never, personal phones masked; only the organization's admins read it, and nobody changes it.
/// </summary>
[Trait("Database", "yes")]
public sealed partial class AuditLogTests : IAsyncLifetime
{
    private const string AlicePhone = "+14155550111";
    private const string AdminEmail = "ada@example.org";
    private const string Password = "correct horse battery";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonArray> EntriesAsync(string query = "") =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/audit{query}"))["items"]!.AsArray();

    private async Task<JsonNode> NewestAsync(string entityType) =>
        (await EntriesAsync($"?entityType={entityType}"))[0]!;

    private static Dictionary<string, (string? Before, string? After)> Changes(JsonNode entry) =>
        entry["changes"]!
            .AsArray()
            .ToDictionary(c => c!.Text("field"), c => (c!.TextOrNull("before"), c!.TextOrNull("after")));

    [Fact]
    public async Task ChangeThroughTheApiIsLoggedWithTheKeyTheTimeAndOnlyTheChangedFields()
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 15, 30, 5, TimeSpan.Zero));

        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = "+14155550100" });

        var entry = await NewestAsync("organization");
        Assert.Equal("apiKey", entry["actor"]!.Text("kind"));
        Assert.Equal(KeyId(_org.AdminKey), entry["actor"]!.Id());
        Assert.Equal("admin", entry["actor"]!.Text("name"));
        Assert.Equal("admin", entry["actor"]!.Text("role"));
        Assert.Equal(
            new DateTime(2026, 11, 24, 15, 30, 5, DateTimeKind.Utc),
            entry["at"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal("changed", entry.Text("action"));
        Assert.Equal(_org.Id.ToString(), entry.Text("entityId"));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["inboundMode"] = ("lastAgent", "forward"),
                ["inboundForwardTo"] = (null, "+14155550100"),
            },
            Changes(entry));
    }

    [Fact]
    public async Task CallOptionsAndGroupMembershipChangesAreLogged()
    {
        var group = await _org.CreateGroupAsync();

        await _org.SetAsync(
            $"/groups/{group}/call-options",
            new { fallback = new { mode = "forward", forwardTo = "+14155550133" }, membersOnly = true });
        Assert.Equal(
            System.Net.HttpStatusCode.NoContent,
            (await _org.Admin.PutAsync($"{_org.Path}/groups/{group}/members/{_alice}", null)).StatusCode);
        Assert.Equal(
            System.Net.HttpStatusCode.NoContent,
            (await _org.Admin.DeleteAsync($"{_org.Path}/groups/{group}/members/{_alice}")).StatusCode);

        var options = Changes(await NewestAsync("group"));
        Assert.Equal(("followOrganization", "forward"), options["fallbackMode"]);
        Assert.Equal((null, "+14155550133"), options["fallbackForwardTo"]);
        Assert.Equal(("false", "true"), options["membersOnly"]);
        var membership = await EntriesAsync("?entityType=groupMember");
        Assert.Equal(["deleted", "created"], membership.Select(e => e!.Text("action")).ToArray());
        Assert.Equal($"{group}/{_alice}", membership[0]!.Text("entityId"));
    }

    [Fact]
    public async Task OperatorCreatingTheOrganizationAndAnAdminCreatingAnAgentAreLoggedAsCreations()
    {
        var entries = await EntriesAsync();

        var organization = entries.Single(e => e!.Text("entityType") == "organization")!;
        Assert.Equal("operator", organization["actor"]!.Text("kind"));
        Assert.Equal("created", organization.Text("action"));
        Assert.Equal((null, "Acme Org"), Changes(organization)["name"]);
        var agent = entries.Single(e => e!.Text("entityType") == "agent")!;
        Assert.Equal("created", agent.Text("action"));
        Assert.Equal(_alice.ToString(), agent.Text("entityId"));
        Assert.Equal((null, "Alice"), Changes(agent)["name"]);
        Assert.Equal((null, "***0111"), Changes(agent)["phone"]);
        Assert.Equal("apiKey", agent["actor"]!.Text("kind"));
    }

    [Fact]
    public async Task ChangeThroughThePanelIsLoggedWithTheSignedInAdmin()
    {
        var ada = (await TestOrganization.ReadAsync(await _app.Operator().PostAsJsonAsync($"{_org.Path}/panel-users",
            new { name = "Ada Admin", email = AdminEmail, role = "admin", password = Password })))["agent"]!.Id();
        var panel = _app.CreateClient();
        await PostFormAsync(
            panel,
            "/panel/sign-in",
            new() { ["Email"] = AdminEmail, ["Password"] = "not the password" });
        await PostFormAsync(panel, "/panel/sign-in", new() { ["Email"] = AdminEmail, ["Password"] = Password });
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        await PostFormAsync(panel, $"/panel/agents/{_alice}?handler=Active", new() { ["Active"] = "false" });

        var entry = await NewestAsync("agent");
        Assert.Equal("panelUser", entry["actor"]!.Text("kind"));
        Assert.Equal(ada, entry["actor"]!.Id());
        Assert.Equal("Ada Admin", entry["actor"]!.Text("name"));
        Assert.Equal("admin", entry["actor"]!.Text("role"));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, entry["at"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(_alice.ToString(), entry.Text("entityId"));
        Assert.Equal(new Dictionary<string, (string?, string?)> { ["active"] = ("true", "false") }, Changes(entry));
        // A wrong password at sign-in is bookkeeping, not a change anyone made: only the creation of the sign-in is
        // there.
        Assert.Equal(["created"], (await EntriesAsync("?entityType=panelLogin")).Select(e => e!.Text("action")));
    }

    [Fact]
    public async Task AgentPhoneChangeIsLoggedMaskedAndTheFullNumberIsNowhereInTheLog()
    {
        var itself = await _org.AgentClientAsync(_alice);

        await TestOrganization.ReadAsync(
            await itself.PatchAsJsonAsync($"{_org.Path}/agents/{_alice}", new { phone = "+14155550144" }));

        var entry = await NewestAsync("agent");
        Assert.Equal("agent", entry["actor"]!.Text("role"));
        Assert.Equal(new Dictionary<string, (string?, string?)> { ["phone"] = ("***0111", "***0144") }, Changes(entry));
        var log = await (await _org.Admin.GetAsync($"{_org.Path}/audit")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("4155550111", log);
        Assert.DoesNotContain("4155550144", log);
    }

    [Fact]
    public async Task SecretChangesShowChangedNeverTheValue()
    {
        const string eventsSecret = "texting-platform-secret-2026";
        await _org.SetAsync("/call-events", new { url = "https://texting.example.org/hooks", secret = eventsSecret });
        await _org.SetAsync(
            "/call-events",
            new { url = "https://texting.example.org/hooks", secret = "another-platform-secret-2027" });
        await _org.SetAsync($"/agents/{_alice}/panel-password", new { password = Password });
        await _org.SetAsync($"/agents/{_alice}/panel-password", new { password = "a different password" });
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "platform", role = "admin" }));

        var settings = await EntriesAsync("?entityType=organization");
        Assert.Equal((null, "(set)"), Changes(settings[1]!)["callEventsSecret"]);
        Assert.Equal(("(hidden)", "(changed)"), Changes(settings[0]!)["callEventsSecret"]);
        Assert.Equal(("(hidden)", "(changed)"), Changes(await NewestAsync("panelLogin"))["passwordHash"]);
        var key = await NewestAsync("apiKey");
        Assert.Equal(created.Id().ToString(), key.Text("entityId"));
        Assert.Equal((null, "(set)"), Changes(key)["secretHash"]);
        var log = await (await _org.Admin.GetAsync($"{_org.Path}/audit?limit=200")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(eventsSecret, log);
        Assert.DoesNotContain("another-platform-secret", log);
        // sbk_{id}_{secret}: the secret is base64url, which may itself hold '_'.
        Assert.DoesNotContain(created.Text("key").Split('_', 3)[2], log);
        Assert.DoesNotContain("AQAAAA", log); // the start of every ASP.NET Core Identity password hash
    }

    [Fact]
    public async Task DeletingAnAgentAndRevokingAKeyAreLogged()
    {
        await _org.SetAsync($"/agents/{_alice}/panel-password", new { password = Password });
        var key = KeyId(
            (await TestOrganization.ReadAsync(
                await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "old", role = "admin" }))).Text(
                    "key"));
        _app.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.DeleteAsync($"{_org.Path}/agents/{_alice}")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{key}")).StatusCode);

        var now = _app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var agent = await NewestAsync("agent");
        Assert.Equal(
            new Dictionary<string, (string?, string?)> { ["deletedAt"] = (null, now), ["phone"] = ("***0111", null) },
            Changes(agent));
        var login = await NewestAsync("panelLogin");
        Assert.Equal("deleted", login.Text("action"));
        Assert.Equal(("(hidden)", null), Changes(login)["passwordHash"]);
        var revoked = await NewestAsync("apiKey");
        Assert.Equal(key.ToString(), revoked.Text("entityId"));
        Assert.Equal(new Dictionary<string, (string?, string?)> { ["revokedAt"] = (null, now) }, Changes(revoked));
    }

    [Fact]
    public async Task TextsAndCallsLeaveTheLogAlone()
    {
        var group = await _org.CreateGroupAsync();
        await _org.AddNumberAsync("+14155550100", groupId: group);
        var before = (await EntriesAsync("?limit=200")).Count;

        await _org.TextAsync(_alice, "+14155550199", "+14155550100", _app.Clock.GetUtcNow().AddMinutes(-5));
        var call = await _app.Provider().CallAsync("+14155550199", "+14155550100");

        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
        Assert.Equal(before, (await EntriesAsync("?limit=200")).Count);
    }

    [Fact]
    public async Task PagesGoNewestFirstAndFollowNextBefore()
    {
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            await _org.CreateGroupAsync(name);
        }

        var first = await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType=group&limit=2");
        var next = first["nextBefore"]!.GetValue<long>();
        var second = await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType=group&limit=2&before={next}");

        Assert.Equal(["Three", "Two"], first["items"]!.AsArray().Select(e => Changes(e!)["name"].After));
        Assert.Equal(["One"], second["items"]!.AsArray().Select(e => Changes(e!)["name"].After));
        Assert.Null(second["nextBefore"]);
        Assert.Equal(
            ["entityType"],
            await ErrorFieldsAsync(await _org.Admin.GetAsync($"{_org.Path}/audit?entityType=calls")));
        Assert.Equal(["limit"], await ErrorFieldsAsync(await _org.Admin.GetAsync($"{_org.Path}/audit?limit=0")));
    }

    [Fact]
    public async Task OnlyAdminsOfTheOrganizationReadTheLog()
    {
        var agentKey = await _org.AgentClientAsync(_alice);
        var stranger = await TestOrganization.CreateAsync(_app, "Other Org");

        await ProblemAsync(await agentKey.GetAsync($"{_org.Path}/audit"), HttpStatusCode.Forbidden);
        await ProblemAsync(await stranger.Admin.GetAsync($"{_org.Path}/audit"), HttpStatusCode.NotFound);
        Assert.All(await EntriesAsync("?limit=200"), e => Assert.DoesNotContain("Other Org", e!.ToJsonString()));
    }

    [Fact]
    public async Task NoRequestChangesOrRemovesAnEntry()
    {
        var id = (await EntriesAsync())[0]!.Id();

        Assert.Equal(
            HttpStatusCode.MethodNotAllowed,
            (await _org.Admin.PutAsJsonAsync($"{_org.Path}/audit", new { changes = "[]" })).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _org.Admin.DeleteAsync($"{_org.Path}/audit")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await _org.Admin.PutAsJsonAsync($"{_org.Path}/audit/{id}", new { changes = "[]" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _org.Admin.DeleteAsync($"{_org.Path}/audit/{id}")).StatusCode);
        Assert.Equal(id, (await EntriesAsync())[0]!.Id());
    }

    [Fact]
    public async Task TheDatabaseContextRefusesToSaveAChangedOrRemovedEntry()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var entry = await db.AuditEntries.OrderBy(a => a.Id).FirstAsync();

        entry.ActorName = "someone else";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        db.AuditEntries.Remove(await db.AuditEntries.OrderBy(a => a.Id).FirstAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        db.ChangeTracker.Clear();
        Assert.NotEqual(
            "someone else",
            (await db.AuditEntries.AsNoTracking().FirstAsync(a => a.Id == entry.Id)).ActorName);
    }

    /// <summary>Posts a panel form as a browser would: with the antiforgery token of the page the form is on.</summary>
    private static async Task PostFormAsync(HttpClient panel, string path, Dictionary<string, string> fields)
    {
        var page = await panel.GetStringAsync(path.Split('?')[0]);
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
        var response = await panel.PostAsync(path, new FormUrlEncodedContent(fields));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {path}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
