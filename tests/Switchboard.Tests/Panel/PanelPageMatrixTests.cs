using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Panel;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Panel;

/// <summary>
/// Every page of the panel × every kind of visitor → what it gets, over real HTTP with real sign-ins. The rows are
/// checked against the app's pages, so a new page without a row fails. The pages' forms are guarded by the same
/// rule as the page (authorization is per page); <see cref="RefusedVisitorsCannotRevokeAKeyThroughThePanelForm"/>
/// proves it for a write.
/// </summary>
[Trait("Database", "yes")]
public sealed class PanelPageMatrixTests(PanelPageMatrixTests.Visitors visitors)
    : IClassFixture<PanelPageMatrixTests.Visitors>
{
    private const string AdminEmail = "ada@example.org";
    private const string AgentEmail = "carol@example.org";
    private const string OtherAdminEmail = "olga@example.org";

    /// <summary>The visitors, in the order of each row's expectations.</summary>
    public enum Who { Anonymous, ApiKeyOnly, Agent, Admin, OtherOrgAdmin }

    /// <summary>
    /// Columns: nobody signed in, an admin API key sent as a bearer token (never accepted by the panel), an agent,
    /// an admin of this organization, an admin of another organization. <c>sign-in</c> is a redirect to the sign-in
    /// page.
    /// </summary>
    internal static readonly (string Page, string Expected, Func<Ids, string> Path)[] Rules =
    [
        //                                                      anon     api key  agent  admin  other admin
        ("/panel",                                             "sign-in sign-in  302    302    302", _ => "/panel"),
        ("/panel/sign-in",                                     "200     200      200    200    200",
            _ => "/panel/sign-in"),
        ("/panel/sign-out",                                    "sign-in sign-in  302    302    302",
            _ => "/panel/sign-out"),
        ("/panel/status/{code:int}",                           "404     404      404    404    404",
            _ => "/panel/status/404"),
        ("/panel/calls",                                       "sign-in sign-in  200    200    200",
            _ => "/panel/calls"),
        ("/panel/my-phone",                                    "sign-in sign-in  200    200    200",
            _ => "/panel/my-phone"),
        ("/panel/settings",                                    "sign-in sign-in  403    200    200",
            _ => "/panel/settings"),
        ("/panel/settings/inboxes",                            "sign-in sign-in  403    200    200",
            _ => "/panel/settings/inboxes"),
        ("/panel/settings/inboxes/{inboxId:long}/edit",        "sign-in sign-in  403    200    404",
            ids => $"/panel/settings/inboxes/{ids.Inbox}/edit"),
        ("/panel/settings/call-events",                        "sign-in sign-in  403    200    200",
            _ => "/panel/settings/call-events"),
        ("/panel/settings/blocked-callers",                    "sign-in sign-in  403    200    200",
            _ => "/panel/settings/blocked-callers"),
        ("/panel/settings/privacy",                             "sign-in sign-in  403    200    200",
            _ => "/panel/settings/privacy"),
        ("/panel/groups",                                      "sign-in sign-in  403    200    200",
            _ => "/panel/groups"),
        ("/panel/groups/{groupId:long}",                       "sign-in sign-in  403    200    404",
            ids => $"/panel/groups/{ids.Group}"),
        ("/panel/groups/{groupId:long}/settings",              "sign-in sign-in  403    200    404",
            ids => $"/panel/groups/{ids.Group}/settings"),
        ("/panel/groups/{groupId:long}/call-options",          "sign-in sign-in  403    200    404",
            ids => $"/panel/groups/{ids.Group}/call-options"),
        ("/panel/reports",                                     "sign-in sign-in  403    200    200",
            _ => "/panel/reports"),
        ("/panel/audit",                                       "sign-in sign-in  403    200    200",
            _ => "/panel/audit"),
        ("/panel/settings/call-options",                       "sign-in sign-in  403    200    200",
            _ => "/panel/settings/call-options"),
        ("/panel/settings/inboxes/{inboxId:long}/call-options", "sign-in sign-in  403    200    404",
            ids => $"/panel/settings/inboxes/{ids.Inbox}/call-options"),
        ("/panel/settings/hours",                              "sign-in sign-in  403    200    200",
            _ => "/panel/settings/hours"),
        ("/panel/groups/{groupId:long}/hours",                 "sign-in sign-in  403    200    404",
            ids => $"/panel/groups/{ids.Group}/hours"),
        ("/panel/settings/inboxes/{inboxId:long}/hours",       "sign-in sign-in  403    200    404",
            ids => $"/panel/settings/inboxes/{ids.Inbox}/hours"),
        ("/panel/agents",                                      "sign-in sign-in  403    200    200",
            _ => "/panel/agents"),
        ("/panel/agents/{agentId:long}",                       "sign-in sign-in  403    200    404",
            ids => $"/panel/agents/{ids.Agent}"),
        ("/panel/numbers",                                     "sign-in sign-in  403    200    200",
            _ => "/panel/numbers"),
        ("/panel/test-a-call",                                 "sign-in sign-in  403    200    200",
            _ => "/panel/test-a-call"),
        ("/panel/api-keys",                                    "sign-in sign-in  403    200    200",
            _ => "/panel/api-keys"),
    ];

    public static TheoryData<string> Pages => [.. Rules.Select(r => r.Page)];

    [Fact]
    public void EveryPageOfThePanelHasARule()
    {
        var pages = PagesOf(visitors.App);

        var unruled = pages.Where(p => !Rules.Any(r => r.Page == p)).Order().ToList();
        var stale = Rules.Select(r => r.Page).Where(p => !pages.Contains(p)).ToList();

        Assert.True(unruled.Count == 0, "Panel pages without a row in the page matrix:\n" + string.Join("\n", unruled));
        Assert.True(stale.Count == 0, "Rows for pages the panel does not have:\n" + string.Join("\n", stale));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryVisitorGetsWhatThePageAllowsThem(string page)
    {
        var rule = Rules.Single(r => r.Page == page);
        var expected = rule.Expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var wrong = new List<string>();

        foreach (var who in Enum.GetValues<Who>())
        {
            var response = await visitors.Clients[who].GetAsync(rule.Path(visitors.Ids));
            var status = (int)response.StatusCode;
            var location = response.Headers.Location is { } l
                ? (l.IsAbsoluteUri ? l.PathAndQuery : l.OriginalString)
                : "";
            var got = status == 302 && location.StartsWith("/panel/sign-in", StringComparison.Ordinal)
                ? "sign-in"
                : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (got != expected[(int)who])
            {
                wrong.Add($"  {who}: expected {expected[(int)who]}, got {status} {location}");
            }
        }

        Assert.True(wrong.Count == 0, $"{page}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task RefusedVisitorsCannotRevokeAKeyThroughThePanelForm()
    {
        var key = await TestOrganization.ReadAsync(
            await visitors.Org.Admin.PostAsJsonAsync(
                $"{visitors.Org.Path}/api-keys",
                new { name = "target", role = "admin" }));
        var action = $"/panel/api-keys?handler=Revoke&id={key.Id()}";

        var byAgent = await PanelForms.PostAsync(visitors.Clients[Who.Agent], "/panel/my-phone", action, []);
        var byOtherAdmin = await PanelForms.PostAsync(
            visitors.Clients[Who.OtherOrgAdmin],
            "/panel/api-keys",
            action,
            []);
        var byApiKey = await visitors.Clients[Who.ApiKeyOnly].PostAsync(action, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byOtherAdmin.StatusCode);
        Assert.True(
            byApiKey.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Redirect,
            $"{(int)byApiKey.StatusCode}");
        Assert.Equal(
            HttpStatusCode.OK,
            (await visitors.App.WithBearer(key.Text("key")).GetAsync($"{visitors.Org.Path}/groups")).StatusCode);

        var byAdmin = await PanelForms.PostAsync(visitors.Clients[Who.Admin], "/panel/api-keys", action, []);

        Assert.Equal(HttpStatusCode.Redirect, byAdmin.StatusCode);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await visitors.App.WithBearer(key.Text("key")).GetAsync($"{visitors.Org.Path}/groups")).StatusCode);
    }

    /// <summary>The panel's pages as the app routes them ("/panel/groups/{groupId:long}").</summary>
    internal static HashSet<string> PagesOf(SwitchboardApp app) =>
        app.Services.GetRequiredService<PanelBranch>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet();

    /// <summary>
    /// What <paramref name="who"/> gets on the page of <paramref name="expected"/> (a row's second column).
    /// </summary>
    internal static string ExpectedFor(string expected, Who who) =>
        expected.Split(' ', StringSplitOptions.RemoveEmptyEntries)[(int)who];

    public sealed record Ids(long Group, long Inbox, long Agent);

    /// <summary>One app for the whole matrix (the rows only read), with a signed-in browser per visitor.</summary>
    public sealed class Visitors : IAsyncLifetime
    {
        public SwitchboardApp App { get; } = new();

        public TestOrganization Org { get; private set; } = null!;

        public Ids Ids { get; private set; } = null!;

        public Dictionary<Who, HttpClient> Clients { get; } = [];

        public async Task InitializeAsync()
        {
            Org = await PanelBrowser.OrganizationWithAdminAsync(App, AdminEmail);
            var other = await PanelBrowser.OrganizationWithAdminAsync(App, OtherAdminEmail, "Other Texting");
            var agent = await PanelBrowser.AgentWithSignInAsync(Org, "Carol", AgentEmail, "+14155550113");
            Ids = new Ids(await Org.CreateGroupAsync(), await Org.CreateInboxAsync(), agent);
            Assert.NotEqual(other.Id, Org.Id);

            Clients[Who.Anonymous] = PanelForms.Browser(App);
            Clients[Who.ApiKeyOnly] = PanelForms.Browser(App);
            Clients[Who.ApiKeyOnly].DefaultRequestHeaders.Authorization = new("Bearer", Org.AdminKey);
            foreach (var (who, email) in new[]
            {
                (Who.Agent, AgentEmail),
                (Who.Admin, AdminEmail),
                (Who.OtherOrgAdmin, OtherAdminEmail),
            })
            {
                Clients[who] = PanelForms.Browser(App);
                var signedIn = await PanelForms.SignInAsync(Clients[who], email, PanelBrowser.Password);
                Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            }
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }
}
