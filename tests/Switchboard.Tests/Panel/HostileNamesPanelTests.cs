using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// Names are shown as text, never run: an organization, an admin, a group, an inbox and an agent named with a
/// <c>&lt;script&gt;</c> or an <c>&lt;img onerror&gt;</c> appear literally on every page that shows them, and no script
/// runs. The browser ignores the panel's Content-Security-Policy here (<c>BypassCSP</c>), so that what is proven is the
/// escaping itself; the policy is a second wall (see <c>SecurityHeadersTests</c>).
/// </summary>
[Trait("Database", "sqlite")]
public sealed class HostileNamesPanelTests(PanelBrowser browser) : IClassFixture<PanelBrowser>, IAsyncLifetime
{
    private const string ScriptName = "<script>window.__pwned = 1; alert('pwned')</script>";
    private const string ImageName = "<img src=x onerror=\"window.__pwned = 1; alert('pwned')\">";
    private const string AdminEmail = "mallory@example.org";
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private readonly List<string> _dialogs = [];
    private IPage _page = null!;
    private long _group;
    private long _inbox;
    private long _agent;

    public async Task InitializeAsync()
    {
        var baseUrl = PanelBrowser.Start(_app);
        var org = await PanelBrowser.OrganizationWithAdminAsync(_app, "ada@example.org", name: ScriptName);
        await TestOrganization.ReadAsync(await org.Admin.PostAsJsonAsync($"{org.Path}/panel-users",
            new { name = ImageName, email = AdminEmail, role = "admin", password = PanelBrowser.Password }));
        _group = (await TestOrganization.ReadAsync(
            await org.Admin.PostAsJsonAsync($"{org.Path}/groups", new { name = ScriptName })))["id"]!.GetValue<long>();
        _inbox = (await TestOrganization.ReadAsync(
            await org.Admin.PostAsJsonAsync($"{org.Path}/inboxes", new { name = ImageName })))["id"]!.GetValue<long>();
        _agent = await org.CreateAgentAsync(ScriptName, "+14155550111", email: "agent@example.org");
        await org.AddNumberAsync(GroupNumber, groupId: _group);
        await org.TextAsync(_agent, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        Assert.Equal(["Dial"], (await _app.Provider().CallAsync(Contact, GroupNumber)).Answer.Verbs);

        var context = await browser.Browser.NewContextAsync(
            new BrowserNewContextOptions { BaseURL = baseUrl, BypassCSP = true, Locale = "en-US", TimezoneId = "UTC" });
        context.SetDefaultTimeout(PanelBrowser.StepTimeoutMs);
        _page = await context.NewPageAsync();
        _page.Dialog += (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task ScriptAndImageNamesShowAsTextOnEveryPageAndNoScriptRuns()
    {
        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        var pages = new (string Path, string[] Shows)[]
        {
            ("/panel/settings", [ScriptName, ImageName]),
            ("/panel/groups", [ScriptName]),
            ($"/panel/groups/{_group}", [ScriptName]),
            ($"/panel/groups/{_group}/settings", [ScriptName]),
            ("/panel/settings/inboxes", [ImageName]),
            ($"/panel/settings/inboxes/{_inbox}/edit", [ImageName]),
            ("/panel/agents", [ScriptName]),
            ($"/panel/agents/{_agent}", [ScriptName]),
            ("/panel/numbers", [ScriptName]),
            ("/panel/calls", [ScriptName]),
        };

        foreach (var (path, shows) in pages)
        {
            await _page.GotoAsync(path);
            var text = await _page.Locator("body").InnerTextAsync();
            foreach (var name in shows)
            {
                Assert.True(text.Contains(name, StringComparison.Ordinal), $"{path} does not show {name} as text");
            }

            Assert.Equal(0, await _page.Locator("script, img, svg, iframe, object").CountAsync());
            Assert.False(
                await _page.EvaluateAsync<bool>("() => window.__pwned === 1"),
                $"a name ran as script on {path}");
        }

        Assert.Empty(_dialogs);
    }
}
