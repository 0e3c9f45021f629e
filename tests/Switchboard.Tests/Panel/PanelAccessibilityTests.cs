using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Switchboard.Tests.Support;
using Xunit.Abstractions;
using static Switchboard.Tests.Panel.PanelPageMatrixTests;

namespace Switchboard.Tests.Panel;

/// <summary>
/// axe-core in the suite's Chromium on every page of the panel, as every visitor who gets it sees it: signed out, as
/// an agent, as an admin, with calls, a report and an explained test call on screen, every "…" menu opened, and
/// every form sent back with bad values. The pages come from the page matrix
/// (<see cref="PanelPageMatrixTests.Rules"/>), which fails when the app has a page without a row, so a new page is
/// audited as soon as it exists. A violation of impact serious or critical fails the page, named by state, rule and
/// element.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class PanelAccessibilityTests(PanelAccessibilityTests.Audited panel, ITestOutputHelper output)
    : IClassFixture<PanelAccessibilityTests.Audited>
{
    private const string AdminEmail = "ada@example.org";
    private const string AgentEmail = "carol@example.org";
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";

    private static readonly Who[] Visitors = [Who.Anonymous, Who.Agent, Who.Admin];

    /// <summary>
    /// Answers whose page a visitor reads: the page itself, or the panel's "not found" page. A refusal (403) shows the
    /// same status page, audited once through its own row.
    /// </summary>
    private static readonly string[] Shown = ["200", "404"];

    /// <summary>Values a person might mistype, by input type; each form is sent with them to show its errors.</summary>
    private static readonly Dictionary<string, string> BadValues = new()
    {
        ["text"] = "", ["tel"] = "12", ["email"] = "", ["url"] = "not a web address", ["number"] = "-1",
        ["password"] = "short",
    };

    /// <summary>
    /// axe's rules as they ship, plus WCAG 2.2's target size (24 px), which axe leaves off by default.
    /// </summary>
    private static readonly AxeRunOptions Options = new()
    {
        Rules = new Dictionary<string, RuleOptions> { ["target-size"] = new() { Enabled = true } },
    };

    public static TheoryData<string> Pages => [.. Rules.Select(r => r.Page)];

    /// <summary>States that need more than opening the page: a filled form whose answer is itself a page.</summary>
    private static readonly Dictionary<string, Func<IPage, Task>[]> Extra = new()
    {
        ["/panel/test-a-call"] =
        [
            async page =>
            {
                await page.GetByLabel("Contact's phone number").FillAsync(Contact);
                await page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();
            },
        ],
        ["/panel/settings"] = [ForwardWithoutANumberAsync],
        ["/panel/groups/{groupId:long}/settings"] = [ForwardWithoutANumberAsync],
        ["/panel/settings/hours"] = [OverlappingHoursAsync],
        ["/panel/groups/{groupId:long}/hours"] = [OverlappingHoursAsync],
        ["/panel/settings/inboxes/{inboxId:long}/hours"] = [OverlappingHoursAsync],
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryStateOfThePageHasNoSeriousAccessibilityViolation(string page)
    {
        var rule = Rules.Single(r => r.Page == page);
        var violations = new List<string>();
        var states = 0;

        foreach (var who in Visitors.Where(w => Shown.Contains(ExpectedFor(rule.Expected, w))))
        {
            var browser = await panel.OpenAsync(who);
            var path = rule.Path(panel.Ids);
            var theirs = ExpectedFor(rule.Expected, who) == "200";
            try
            {
                await browser.GotoAsync(path);
                await AuditAsync(browser, $"as {who}");
                if (!theirs)
                {
                    continue;
                }

                await MenusOpenedAsync(browser, path, who);

                // Signing in is for visitors who are not signed in (and failed attempts are slowed down on purpose).
                if (who == Who.Anonymous == (page == "/panel/sign-in"))
                {
                    await FormsWithBadValuesAsync(browser, path, who);
                }

                foreach (var (act, i) in Extra.GetValueOrDefault(page, []).Select((a, i) => (a, i)))
                {
                    await browser.GotoAsync(path);
                    await act(browser);
                    await AuditAsync(browser, $"as {who}, filled in (state {i + 1})");
                }
            }
            finally
            {
                await browser.Context.CloseAsync();
            }
        }

        output.WriteLine($"{page}: {states} states audited");
        Assert.True(
            violations.Count == 0,
            $"{page}: accessibility violations (serious or critical):\n" + string.Join("\n", violations));

        async Task AuditAsync(IPage browser, string state)
        {
            var result = await browser.RunAxe(Options);
            states++;
            output.WriteLine(
                $"  {state}: {browser.Url} ({result.Violations.Length} " +
                $"violations, {result.Passes.Length} rules passed)");
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                foreach (var node in violation.Nodes)
                {
                    violations.Add(
                        $"  {state} at {new Uri(browser.Url).PathAndQuery}: {violation.Id} " +
                        $"({violation.Impact}): {violation.Help}\n    {node.Target}: {node.Html}");
                }
            }

            foreach (var violation in result.Violations.Where(v => v.Impact is not ("serious" or "critical")))
            {
                output.WriteLine(
                    $"    minor: {violation.Id} ({violation.Impact}) " +
                    $"at {string.Join(", ", violation.Nodes.Select(n => n.Target))}");
            }
        }

        async Task MenusOpenedAsync(IPage browser, string path, Who who)
        {
            var menus = browser.Locator("main details > summary");
            for (var i = 0; i < await menus.CountAsync(); i++)
            {
                await browser.GotoAsync(path);
                await menus.Nth(i).ClickAsync();
                var menu = await menus.Nth(i).GetAttributeAsync("aria-label") ?? await menus.Nth(i).InnerTextAsync();
                await AuditAsync(browser, $"as {who}, menu {i + 1} (\"{menu}\") opened");
            }
        }

        async Task FormsWithBadValuesAsync(IPage browser, string path, Who who)
        {
            var forms = browser.Locator("main form[method=post]").Filter(
                new() { Has = browser.Locator(
                    "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea") });
            for (var i = 0; i < await forms.CountAsync(); i++)
            {
                await browser.GotoAsync(path);
                var form = forms.Nth(i);
                await form.EvaluateAsync("f => f.noValidate = true");
                foreach (var input in await form.Locator("input:visible, textarea:visible").AllAsync())
                {
                    var type = await input.EvaluateAsync<string>("e => e.type");
                    if (BadValues.TryGetValue(type == "textarea" ? "text" : type, out var value))
                    {
                        await input.FillAsync(value);
                    }
                }

                await form.Locator("button[type=submit], button:not([type])").First.ClickAsync();
                await browser.WaitForLoadStateAsync();
                await AuditAsync(browser, $"as {who}, form {i + 1} sent with bad values");
            }
        }
    }

    [Fact]
    public async Task TheKeyboardReachesTheSkipLinkFirstAndTheWideReportTable()
    {
        var browser = await panel.OpenAsync(Who.Admin);
        try
        {
            await browser.GotoAsync("/panel/reports");
            await browser.Keyboard.PressAsync("Tab");
            await Assertions.Expect(browser.GetByRole(AriaRole.Link, new() { Name = "Skip to content" }))
                .ToBeFocusedAsync();
            await browser.Keyboard.PressAsync("Enter");
            await Assertions.Expect(browser.GetByRole(AriaRole.Main)).ToBeFocusedAsync();

            var table = browser.GetByRole(AriaRole.Region, new() { Name = "Calls per agent, with the totals last" });
            for (var presses = 0; presses < 40
                && !await table.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
            {
                await browser.Keyboard.PressAsync("Tab");
            }

            await Assertions.Expect(table).ToBeFocusedAsync();
            Assert.NotEqual("none", await table.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
        }
        finally
        {
            await browser.Context.CloseAsync();
        }
    }

    /// <summary>
    /// Hours refused on every row kind: a Sunday night that runs into Monday's window, a date without times.
    /// </summary>
    private static async Task OverlappingHoursAsync(IPage page)
    {
        await page.Locator("input[name=Mode][value=hours], input[name=Mode][value=own]").CheckAsync();
        await page.Locator("#TimeZone").SelectOptionAsync("America/New_York");
        foreach (var (day, open, close) in new[] { ("Monday", "09:00", "17:00"), ("Sunday", "22:00", "10:00") })
        {
            var times = page.GetByRole(AriaRole.Group, new() { Name = day, Exact = true }).Locator("input[type=time]");
            await times.Nth(0).FillAsync(open);
            await times.Nth(1).FillAsync(close);
        }

        var date = page.GetByRole(AriaRole.Group, new() { Name = "Add a date" });
        await date.Locator("input[type=date]").FillAsync("2026-12-24");
        await date.GetByLabel("That day").SelectOptionAsync("open");
        await page.Locator("input[name=AfterHoursMode][value=forward]").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
    }

    private static async Task ForwardWithoutANumberAsync(IPage page)
    {
        await page.Locator("input[name=Mode][value=forward]").CheckAsync();
        await page.Locator("#ForwardTo").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
    }

    /// <summary>
    /// One app for every page (the audits only add refused changes), with the data that fills the pages: an agent
    /// who took a call, a group and an inbox with numbers, a forwarded and a rejected call, an API key.
    /// </summary>
    public sealed class Audited : IAsyncLifetime
    {
        private readonly PanelBrowser _browser = new();

        public SwitchboardApp App { get; } = new();

        public Ids Ids { get; private set; } = null!;

        private string _baseUrl = "";

        public async Task InitializeAsync()
        {
            await _browser.InitializeAsync();
            _baseUrl = PanelBrowser.Start(App);
            var org = await PanelBrowser.OrganizationWithAdminAsync(App, AdminEmail);
            var carol = await PanelBrowser.AgentWithSignInAsync(org, "Carol", AgentEmail, "+14155550113");
            var group = await org.CreateGroupAsync("Field Team");
            var inbox = await org.CreateInboxAsync("Help Line");
            await org.AddNumberAsync(GroupNumber, groupId: group);
            await org.AddNumberAsync(InboxNumber, inboxId: inbox);
            await org.SetAsync($"/inboxes/{inbox}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" });
            await org.TextAsync(carol, Contact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));
            await org.AgentClientAsync(carol);

            var provider = App.Provider();
            var accepted = await provider.CallAsync(Contact, GroupNumber);
            App.Clock.Advance(TimeSpan.FromSeconds(7));
            await accepted.AgentPressesAsync("1");
            await accepted.DialEndsAsync("completed", bridged: true, dialSeconds: 125);
            await provider.CallAsync("+14155550197", GroupNumber);
            await (await provider.CallAsync("+14155550197", InboxNumber)).DialEndsAsync(
                "completed",
                bridged: true,
                dialSeconds: 20);
            Ids = new Ids(group, inbox, carol);
        }

        /// <summary>A fresh browser, signed in as the visitor.</summary>
        public async Task<IPage> OpenAsync(Who who)
        {
            var page = await _browser.OpenAsync(_baseUrl);
            if (who is Who.Agent or Who.Admin)
            {
                await page.SignInAsync(who == Who.Admin ? AdminEmail : AgentEmail);
            }

            return page;
        }

        public async Task DisposeAsync()
        {
            await _browser.DisposeAsync();
            await App.DisposeAsync();
        }
    }
}
