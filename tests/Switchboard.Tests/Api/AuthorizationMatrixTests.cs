using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Accounts;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Storage;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Every endpoint of the admin API × every kind of caller → the status it must get, each cell a real request on the
/// real app and its database. The rows are checked against the app's own endpoint list, so a new endpoint without a
/// row fails <see cref="EveryEndpointOfTheAppHasARule"/>. A refused request must change nothing in the database.
/// </summary>
[Trait("Database", "yes")]
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private const string O = "/api/v1/organizations/{orgId:long}";
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string SpareNumber = "+14155550104";
    private const string Contact = "+14155550199";

    private static readonly object Hours = new
    {
        timeZone = "America/New_York",
        weekly = new[] { new { day = "monday", open = "09:00", close = "17:00" } },
    };
    private static readonly object OwnHours = new
    {
        mode = "own",
        timeZone = "America/Chicago",
        weekly = new[] { new { day = "friday", open = "22:00", close = "02:00" } },
    };

    /// <summary>The callers, in the order of each row's expectations.</summary>
    private enum Who { Operator, Admin, OtherOrgAdmin, Agent, AnotherAgent, NoKey, WrongKey, RevokedKey }

    private sealed record Request(string Path, object? Body = null);

    private sealed record Rule(string Endpoint, string Expected, Func<World, Who, Request> Make)
    {
        public string ExpectedFor(Who who) => Expected.Split(' ', StringSplitOptions.RemoveEmptyEntries)[(int)who];
    }

    /// <summary>
    /// The matrix. Columns: operator, admin of this organization, admin of another organization, the agent itself,
    /// another agent of this organization, no key, a well-formed unknown key, a revoked key of this organization.
    /// </summary>
    private static readonly Rule[] Rules =
    [
        //                                                                 op   adm  othr agt  agt2 none wrng rvkd
        new("POST /api/v1/organizations",                                 "2xx  403  403  403  403  401  401  401",
            (w, who) => new("/api/v1/organizations", new { name = $"Org of {who}" })),
        new($"POST {O}/api-keys",                                         "2xx  2xx  404  403  403  401  401  401",
            (w, who) => new($"{w.Org.Path}/api-keys", new { name = $"key of {who}", role = "admin" })),
        new($"GET {O}/api-keys",                                          "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/api-keys")),
        new($"DELETE {O}/api-keys/{{keyId:long}}",                        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/api-keys/{w.SpareKeyId}")),
        new($"POST {O}/api-keys/{{keyId:long}}/rotate",                   "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/api-keys/{w.SpareKeyId}/rotate")),
        new($"GET {O}/inbound-calls",                                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inbound-calls")),
        new($"PUT {O}/inbound-calls",                                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" })),
        new($"POST {O}/panel-users",                                      "2xx  2xx  404  403  403  401  401  401",
            (w, who) => new(
                $"{w.Org.Path}/panel-users",
                new
                {
                    name = $"{who}",
                    email = $"{who}@example.org".ToLowerInvariant(),
                    password = "a long enough password",
                })),
        new($"PUT {O}/agents/{{agentId:long}}/panel-password",            "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/agents/{w.Agent}/panel-password",
                new { password = "a long enough password" })),
        new($"POST {O}/routing/explain",                                  "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/routing/explain", new { contact = Contact, number = GroupNumber })),
        new($"GET {O}/privacy",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/privacy")),
        new($"PUT {O}/privacy",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/privacy", new { dataRetentionDays = 400 })),
        new($"DELETE {O}/contacts/{{number}}",                            "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/contacts/%2B14155550199")),
        new($"POST {O}/groups",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups", new { name = "Intruders" })),
        new($"GET {O}/groups",                                            "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups")),
        new($"GET {O}/groups/{{groupId:long}}",                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}")),
        new($"PATCH {O}/groups/{{groupId:long}}",                         "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}", new { name = "Renamed" })),
        new($"DELETE {O}/groups/{{groupId:long}}",                        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}")),
        new($"PATCH {O}/inboxes/{{inboxId:long}}",                        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}", new { name = "Renamed" })),
        new($"DELETE {O}/inboxes/{{inboxId:long}}",                       "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}")),
        new($"GET {O}/groups/{{groupId:long}}/inbound-calls",             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/inbound-calls")),
        new($"PUT {O}/groups/{{groupId:long}}/inbound-calls",             "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/groups/{w.Group}/inbound-calls",
                new { mode = "forward", forwardTo = "+14155550177" })),
        new($"POST {O}/inboxes",                                          "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes", new { name = "Intruders" })),
        new($"GET {O}/inboxes",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes")),
        new($"GET {O}/inboxes/{{inboxId:long}}",                          "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}")),
        new($"GET {O}/audit",                                             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/audit")),
        new($"GET {O}/reports/calls",                                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/reports/calls")),
        new($"GET {O}/reports/calls.csv",                                 "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/reports/calls.csv")),
        new($"GET {O}/call-options",                                      "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-options")),
        new($"PUT {O}/call-options",                                      "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-options", new { sayContactName = false })),
        new($"GET {O}/groups/{{groupId:long}}/call-options",              "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/call-options")),
        new($"PUT {O}/groups/{{groupId:long}}/call-options",              "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/call-options", new { membersOnly = true })),
        new($"GET {O}/groups/{{groupId:long}}/members",                   "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/members")),
        new($"PUT {O}/groups/{{groupId:long}}/members/{{agentId:long}}",  "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/members/{w.Agent}")),
        new($"DELETE {O}/groups/{{groupId:long}}/members/{{agentId:long}}", "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/members/{w.Agent}")),
        new($"GET {O}/inboxes/{{inboxId:long}}/call-options",             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}/call-options")),
        new($"PUT {O}/inboxes/{{inboxId:long}}/call-options",             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}/call-options", new { rejectWithMessage = true })),
        new($"GET {O}/inboxes/{{inboxId:long}}/inbound-calls",            "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}/inbound-calls")),
        new($"PUT {O}/inboxes/{{inboxId:long}}/inbound-calls",            "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/inboxes/{w.Inbox}/inbound-calls",
                new { mode = "forward", forwardTo = "+14155550177" })),
        new($"POST {O}/agents",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/agents",
                new { name = "Mallory", email = "mallory@example.org", phone = "+14155550166" })),
        new($"GET {O}/agents",                                            "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/agents")),
        new($"GET {O}/agents/{{agentId:long}}",                           "403  2xx  404  2xx  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/agents/{w.Agent}")),
        new($"PATCH {O}/agents/{{agentId:long}}",                         "403  2xx  404  2xx  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/agents/{w.Agent}", new { phone = "+14155550166" })),
        new($"DELETE {O}/agents/{{agentId:long}}",                        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/agents/{w.Agent}")),
        new($"POST {O}/numbers",                                          "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers", new { number = "+14155550150", groupId = w.Group })),
        new($"GET {O}/numbers",                                           "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers")),
        new($"PATCH {O}/numbers/{{number}}",                              "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers/%2B14155550104", new { inboxId = w.Inbox })),
        new($"DELETE {O}/numbers/{{number}}",                             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers/%2B14155550104")),
        new($"POST {O}/numbers/{{number}}/check",                         "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers/%2B14155550104/check")),
        new($"POST {O}/numbers/{{number}}/connect",                       "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/numbers/%2B14155550104/connect")),
        new($"POST {O}/messages",                                         "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/messages",
                new { messages = new[] { new
                {
                    agentId = w.Agent,
                    contact = "+14155550198",
                    from = GroupNumber,
                    sentAt = w.App.Clock.GetUtcNow(),
                } } })),
        new($"GET {O}/calls",                                             "403  2xx  404  2xx  2xx  401  401  401",
            (w, _) => new($"{w.Org.Path}/calls")),
        new($"GET {O}/calls/{{callId:long}}",                             "403  2xx  404  2xx  404  401  401  401",
            (w, _) => new($"{w.Org.Path}/calls/{w.CallId}")),
        new($"GET {O}/calls/{{callId:long}}/voicemail",                   "403  2xx  404  2xx  404  401  401  401",
            (w, _) => new($"{w.Org.Path}/calls/{w.CallId}/voicemail")),
        new($"POST {O}/calls",                                            "403  2xx  404  2xx  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/calls", new { agentId = w.Agent, contact = Contact })),
        new($"GET {O}/hours",                                             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/hours")),
        new($"PUT {O}/hours",                                             "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/hours", Hours)),
        new($"DELETE {O}/hours",                                          "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/hours")),
        new($"GET {O}/groups/{{groupId:long}}/hours",                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/hours")),
        new($"PUT {O}/groups/{{groupId:long}}/hours",                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/groups/{w.Group}/hours", OwnHours)),
        new($"GET {O}/inboxes/{{inboxId:long}}/hours",                    "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}/hours")),
        new($"PUT {O}/inboxes/{{inboxId:long}}/hours",                    "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/inboxes/{w.Inbox}/hours", OwnHours)),
        new($"GET {O}/blocked-callers",                                   "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/blocked-callers")),
        new($"PUT {O}/blocked-callers/{{number}}",                        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/blocked-callers/%2B14155550197")),
        new($"DELETE {O}/blocked-callers/{{number}}",                     "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/blocked-callers/%2B14155550196")),
        new($"POST {O}/calls/{{callId:long}}/block-caller",               "403  2xx  404  2xx  404  401  401  401",
            (w, _) => new($"{w.Org.Path}/calls/{w.CallId}/block-caller")),
        new($"GET {O}/call-events",                                       "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-events")),
        new($"PUT {O}/call-events",                                       "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-events", new { url = "https://intruder.example.org/events" })),
        new($"DELETE {O}/call-events",                                    "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-events")),
        new($"GET {O}/call-events/deliveries",                            "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-events/deliveries")),
        new($"POST {O}/call-events/deliveries/{{id:guid}}/resend",        "403  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/call-events/deliveries/{w.FailedEvent}/resend")),
        new($"POST {O}/call-events/replay",                               "403  2xx  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/call-events/replay",
                new { from = w.App.Clock.GetUtcNow().AddDays(-1), to = w.App.Clock.GetUtcNow().AddDays(1) })),
        new($"GET {O}/provider",                                          "2xx  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/provider")),
        new($"PUT {O}/provider",                                          "2xx  403  404  403  403  401  401  401",
            (w, _) => new(
                $"{w.Org.Path}/provider",
                new { provider = "twilio", accountSid = "AC" + new string('1', 32), authToken = "an-org-auth-token" })),
        new($"DELETE {O}/provider",                                       "2xx  403  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/provider")),
        new($"POST {O}/provider/check",                                   "2xx  2xx  404  403  403  401  401  401",
            (w, _) => new($"{w.Org.Path}/provider/check")),
        new("GET /metrics",                                               "2xx  403  403  403  403  401  401  401",
            (_, _) => new("/metrics")),
    ];

    /// <summary>
    /// Endpoints outside the admin API, each with what guards it instead; a new one must be added here or to the
    /// matrix. Panel pages (Razor Pages) are covered by <c>PanelAccessTests</c> and the page matrix there.
    /// </summary>
    private static readonly Dictionary<string, string> NotAdminApi = new()
    {
        ["GET /healthz"] = "public: says only healthy or unhealthy",
        ["GET /"] = "public: redirects to the panel",
        ["GET /bench/ok"] = "benchmark mode only",
        ["GET /voicemails/{callId:long}/{expires:long}/{signature}"] =
            "public: a voicemail's signed link that expires (VoicemailTests: tampered, expired, another call → 404)",
        ["GET /openapi/{documentName}.json"] = "public: the admin API's OpenAPI document (Switchboard:ApiDocs:Enabled)",
        ["GET /api/docs/{documentName?}"] = "public: the API reference page, reading that document",
        ["GET /api/docs/scalar.js"] = "public: the reference page's script",
        ["GET /api/docs/scalar.aspnetcore.js"] = "public: the reference page's script",
        ["GET /api/docs/favicon.svg"] = "public: the reference page's icon",
    };

    /// <summary>
    /// Each provider's webhooks: signed by the provider (Bandwidth: its callback credentials), not a bearer
    /// (conformance and fuzz suites).
    /// </summary>
    private static readonly string[] WebhookPrefixes =
        ["POST /webhooks/twilio/", "POST /webhooks/signalwire/", "POST /webhooks/telnyx/", "POST /webhooks/bandwidth/"];

    private static bool IsWebhook(string endpoint) =>
        WebhookPrefixes.Any(prefix => endpoint.StartsWith(prefix, StringComparison.Ordinal));

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;

    public static TheoryData<string> Endpoints => [.. Rules.Select(r => r.Endpoint)];

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        // The sender must not move the outbox between the snapshots: after its first look it sleeps for the test.
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "01:00:00";
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public void EveryEndpointOfTheAppHasARule()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!
                .HttpMethods.Select(m => $"{m} {Normalized(e.RoutePattern.RawText)}"))
            .ToHashSet();

        var unruled = endpoints
            .Where(e => !Rules.Any(r => r.Endpoint == e) && !NotAdminApi.ContainsKey(e) && !IsWebhook(e))
            .Order()
            .ToList();
        var stale = Rules.Select(r => r.Endpoint).Where(e => !endpoints.Contains(e)).ToList();

        Assert.True(
            unruled.Count == 0,
            "Endpoints without a row in the authorization matrix:\n" + string.Join("\n", unruled));
        Assert.True(stale.Count == 0, "Rows for endpoints the app does not have:\n" + string.Join("\n", stale));
        Assert.Equal(Rules.Length, Rules.Select(r => r.Endpoint).Distinct().Count());
        Assert.All(WebhookPrefixes, prefix =>
            Assert.Contains(endpoints, e => e.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryCallerGetsItsStatusAndARefusedCallerChangesNothing(string endpoint)
    {
        var rule = Rules.Single(r => r.Endpoint == endpoint);
        var world = await World.CreateAsync(_app, _twilio);
        var wrong = new List<string>();
        var callers = Enum.GetValues<Who>();

        // Refused callers first, on a database that must not move; then those allowed, each of which may change it.
        var before = await SnapshotAsync();
        foreach (var who in callers.Where(w => rule.ExpectedFor(w) != "2xx"))
        {
            await CheckAsync(world, rule, who, wrong);
        }

        var after = await SnapshotAsync();
        foreach (var who in callers.Where(w => rule.ExpectedFor(w) == "2xx"))
        {
            await CheckAsync(world, rule, who, wrong);
        }

        Assert.True(wrong.Count == 0, $"{endpoint}:\n" + string.Join("\n", wrong));
        Assert.Equal(before, after);
    }

    private static async Task CheckAsync(World world, Rule rule, Who who, List<string> wrong)
    {
        var request = rule.Make(world, who);
        var method = new HttpMethod(rule.Endpoint.Split(' ')[0]);
        var response = await world.Client(who).SendJsonAsync(method, request.Path, request.Body);
        var status = (int)response.StatusCode;
        var expected = rule.ExpectedFor(who);
        var body = await response.Content.ReadAsStringAsync();
        if (expected == "2xx"
            ? status is < 200 or > 299
            : status.ToString(System.Globalization.CultureInfo.InvariantCulture) != expected)
        {
            wrong.Add($"  {who}: expected {expected}, got {status} {body}");
            return;
        }

        if (expected != "2xx" && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            wrong.Add($"  {who}: {status} is not a problem details answer");
        }

        // Another organization's 404 is the very answer an organization that does not exist gets: nothing leaks.
        if (who == Who.OtherOrgAdmin && request.Path.StartsWith(world.Org.Path + "/", StringComparison.Ordinal))
        {
            var nowhere = await world.Client(who).SendJsonAsync(
                method,
                "/api/v1/organizations/999999" + request.Path[world.Org.Path.Length..],
                request.Body);
            var nowhereBody = await nowhere.Content.ReadAsStringAsync();
            if (nowhere.StatusCode != HttpStatusCode.NotFound
                || Without(nowhereBody, "traceId") != Without(body, "traceId"))
            {
                wrong.Add(
                    $"  {who}: 404 differs from a missing organization's: {body} " +
                    $"vs {(int)nowhere.StatusCode} {nowhereBody}");
            }
        }
    }

    private static string Without(string json, string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }

    /// <summary>Every row of every table the admin API can touch, as stored.</summary>
    private async Task<string> SnapshotAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var options =
            new JsonSerializerOptions
            {
                ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles,
            };
        var parts = new List<string>();
        async Task AddAsync<T>(IQueryable<T> rows) where T : class =>
            parts.AddRange(
                (await rows.AsNoTracking().ToListAsync()).Select(r =>
                    typeof(T).Name + JsonSerializer.Serialize(r, options)).Order(StringComparer.Ordinal));

        await AddAsync(db.Organizations);
        await AddAsync(db.Groups);
        await AddAsync(db.Inboxes);
        await AddAsync(db.Agents);
        await AddAsync(db.Numbers);
        await AddAsync(db.MessageEvents);
        await AddAsync(db.ContactTexts);
        await AddAsync(db.ApiKeys);
        await AddAsync(db.Calls);
        await AddAsync(db.PanelLogins);
        await AddAsync(db.CallEvents);
        await AddAsync(db.ProviderAccounts);
        await AddAsync(db.NumberConnections);
        return string.Join("\n", parts);
    }

    /// <summary>Razor Pages and minimal APIs spell a route alike once the leading slash is there.</summary>
    private static string Normalized(string? pattern) =>
        pattern is null ? "" : pattern.StartsWith('/') ? pattern : "/" + pattern;

    /// <summary>
    /// One organization with everything an endpoint may name, another organization, and a client per caller.
    /// </summary>
    private sealed class World
    {
        private readonly Dictionary<Who, HttpClient> _clients = [];

        public required SwitchboardApp App { get; init; }
        public required TestOrganization Org { get; init; }
        public required long Group { get; init; }
        public required long Inbox { get; init; }
        public required long Agent { get; init; }
        public required long CallId { get; init; }
        public required long SpareKeyId { get; init; }
        public required string FailedEvent { get; init; }

        public HttpClient Client(Who who) => _clients[who];

        public static async Task<World> CreateAsync(SwitchboardApp app, FakeTwilioApi twilio)
        {
            var org = await TestOrganization.CreateAsync(app, "Acme Org");
            var other = await TestOrganization.CreateAsync(app, "Other Org");
            var group = await org.CreateGroupAsync();
            var inbox = await org.CreateInboxAsync();
            var agent = await org.CreateAgentAsync("Alice", "+14155550111");
            var another = await org.CreateAgentAsync("Bob", "+14155550112");
            await org.AddNumberAsync(GroupNumber, groupId: group);
            await org.AddNumberAsync(InboxNumber, inboxId: inbox);
            await org.AddNumberAsync(SpareNumber);
            Assert.Equal(
                HttpStatusCode.NoContent,
                (await org.Admin.PutAsync($"{org.Path}/groups/{group}/members/{agent}", null)).StatusCode);
            await org.TextAsync(agent, Contact, GroupNumber, app.Clock.GetUtcNow().AddHours(-1));
            var call = await app.Provider().CallAsync(Contact, GroupNumber);
            Assert.Equal("+14155550111", call.Answer.Text("Number"));
            var callId = (await org.CallsAsync()).Single()!.Id();
            Assert.Equal(
                HttpStatusCode.OK,
                (await org.Admin.PutAsync($"{org.Path}/blocked-callers/%2B14155550196", null)).StatusCode);
            // The caller left a voicemail (its callback posted straight, so that a loaded machine's answer budget does
            // not matter here): its audio is the agent's and the admin's to hear.
            await app.Provider().PostAsync($"/webhooks/twilio/calls/{callId}/voicemail/recording", new()
            {
                ["CallSid"] = call.CallSid,
                ["RecordingSid"] = twilio.AddRecording([1, 2, 3, 4]),
                ["RecordingStatus"] = "completed",
                ["RecordingDuration"] = "12",
            });
            var spare = await TestOrganization.ReadAsync(
                await org.Admin.PostAsJsonAsync($"{org.Path}/api-keys", new { name = "spare", role = "admin" }));
            var revoked = await TestOrganization.ReadAsync(
                await org.Admin.PostAsJsonAsync($"{org.Path}/api-keys", new { name = "revoked", role = "admin" }));
            Assert.Equal(
                HttpStatusCode.NoContent,
                (await org.Admin.DeleteAsync($"{org.Path}/api-keys/{revoked.Id()}")).StatusCode);

            // A stranger's rejected call raises an event; events turned off give it up, and on again it can be resent.
            await org.SetAsync("/call-events", new { url = "https://texting.example.org/events" });
            await app.Provider().CallAsync("+14155550198", GroupNumber);
            Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync($"{org.Path}/call-events")).StatusCode);
            await org.SetAsync("/call-events", new { url = "https://texting.example.org/events" });
            var failed = (await org.Admin.GetJsonAsync($"{org.Path}/call-events/deliveries"))["items"]!
                .AsArray()
                .Single()!;
            Assert.Equal("failed", failed.Text("status"));

            var world = new World
            {
                App = app, Org = org, Group = group, Inbox = inbox, Agent = agent, CallId = callId, SpareKeyId =
                    spare.Id(), FailedEvent = failed.Text("id"),
            };
            world._clients[Who.Operator] = app.Operator();
            world._clients[Who.Admin] = org.Admin;
            world._clients[Who.OtherOrgAdmin] = other.Admin;
            world._clients[Who.Agent] = await org.AgentClientAsync(agent);
            world._clients[Who.AnotherAgent] = await org.AgentClientAsync(another);
            world._clients[Who.NoKey] = app.CreateClient();
            world._clients[Who.WrongKey] = app.WithBearer($"sbk_987654_{new string('Q', 43)}");
            world._clients[Who.RevokedKey] = app.WithBearer(revoked.Text("key"));
            return world;
        }
    }
}
