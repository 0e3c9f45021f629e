using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The admin reads call analytics in a real headless Chromium: the range form, the grouping, the table with its
/// totals, the chart and the CSV download. The calls are placed through signed webhooks on 2026-11-24.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class ReportsPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string InboxNumber = "+14155550102";
    private const string BobContact = "+14155550198";
    private const string Stranger = "+14155550197";

    protected override async Task ArrangeAsync()
    {
        var alice = await Org.CreateAgentAsync("Alice", "+14155550111");
        var bob = await Org.CreateAgentAsync("Bob", "+14155550112");
        var inbox = await Org.CreateInboxAsync("Help Line");
        await Org.AddNumberAsync(InboxNumber, inboxId: inbox);
        await Org.SetAsync($"/inboxes/{inbox}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" });
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));
        await Org.TextAsync(bob, BobContact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));

        var provider = App.Provider();
        var accepted = await provider.CallAsync(Contact, GroupNumber);
        App.Clock.Advance(TimeSpan.FromSeconds(7));
        await accepted.AgentPressesAsync("1");
        await accepted.DialEndsAsync("completed", bridged: true, dialSeconds: 125);
        await (await provider.CallAsync(BobContact, GroupNumber)).DialEndsAsync("no-answer", bridged: false);
        await provider.CallAsync(Stranger, GroupNumber);
        await (await provider.CallAsync(Stranger, InboxNumber)).DialEndsAsync(
            "completed",
            bridged: true,
            dialSeconds: 20);
    }

    private ILocator Row(string name) =>
        Page.Locator("table.report tbody tr")
            .Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    private Task ExpectCellAsync(string row, string column, string text) =>
        Expect(Row(row).Locator($"td[data-label=\"{column}\"]")).ToHaveTextAsync(text);

    [Fact]
    public async Task AdminSeesEachAgentsCallsTheTotalsAndAChart()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Reports");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Reports" })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("From (UTC day)")).ToHaveValueAsync("2026-10-26");
        await Expect(Page.GetByLabel("To (UTC day)")).ToHaveValueAsync("2026-11-24");
        await Expect(Page.GetByLabel("Per", new() { Exact = true })).ToHaveValueAsync("agent");
        await ExpectCellAsync("Alice", "Accepted", "1");
        await ExpectCellAsync("Alice", "Median time to accept", "7 s");
        await ExpectCellAsync("Alice", "Talk time", "2 min 5 s");
        await ExpectCellAsync("Bob", "Missed", "1");
        await ExpectCellAsync("(no agent)", "Rejected", "1");
        await ExpectCellAsync("(no agent)", "Forwarded", "1");
        await ExpectCellAsync("Total", "Calls", "4");
        await ExpectCellAsync("Total", "Offered", "2");

        var chart = Page.GetByRole(
            AriaRole.Img,
            new() { Name = "Calls per agent: what happened to each call (the table below has the numbers)" });
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("rect title")).ToHaveTextAsync(
            [
                "Alice: 1 accepted",
                "Bob: 1 missed",
                "(no agent): 1 forwarded without an agent",
                "(no agent): 1 rejected",
            ]);
        await Expect(chart.Locator("rect.part-accepted")).ToHaveCountAsync(1);
        await PanelBrowser.ScreenshotAsync(Page, "reports");
    }

    [Fact]
    public async Task RangeFormShowsOnlyTheChosenDaysAndRefusesAnEndBeforeTheStart()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Reports");

        await Page.GetByLabel("From (UTC day)").FillAsync("2026-11-20");
        await Page.GetByLabel("To (UTC day)").FillAsync("2026-11-23");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show report" }).ClickAsync();
        await Expect(Page.GetByText("No calls in this range.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Calls that started from 2026-11-20 through 2026-11-23 (UTC), per agent."))
            .ToBeVisibleAsync();

        await Page.GetByLabel("To (UTC day)").FillAsync("2026-11-24");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show report" }).ClickAsync();
        await ExpectCellAsync("Total", "Calls", "4");

        await Page.GetByLabel("From (UTC day)").FillAsync("2026-11-25");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show report" }).ClickAsync();
        await Expect(Page.Locator("#To-error")).ToHaveTextAsync("The last day must be after from");
        await Expect(Page.GetByLabel("To (UTC day)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator("table.report")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task PerGroupAndPerInboxShowTheirOwnRows()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Reports");

        await Page.GetByLabel("Per", new() { Exact = true }).SelectOptionAsync("Group");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show report" }).ClickAsync();
        await ExpectCellAsync("Field Team", "Calls", "3");
        await ExpectCellAsync("Field Team", "Offered", "2");
        await ExpectCellAsync("(no group)", "Forwarded", "1");
        await Expect(
            Page.GetByRole(
                AriaRole.Img,
                new() { Name = "Calls per group: what happened to each call (the table below has the numbers)" }))
                .ToBeVisibleAsync();

        await Page.GetByLabel("Per", new() { Exact = true }).SelectOptionAsync("Inbox");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show report" }).ClickAsync();
        await ExpectCellAsync("Help Line", "Forwarded", "1");
        await ExpectCellAsync("(no inbox)", "Calls", "3");
        await Expect(Page.GetByLabel("Per", new() { Exact = true })).ToHaveValueAsync("inbox");
    }

    [Fact]
    public async Task DownloadCsvGivesTheShownReportAsAFile()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/reports?From=2026-11-24&To=2026-11-24&GroupBy=group");

        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());

        Assert.Equal("calls-by-group-2026-11-24-to-2026-11-24.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            "id,name,calls,offered,accepted,declined,missed,abandoned,forwarded,forwarded_after_agent,rejected," +
            "median_seconds_to_accept,talk_seconds,average_talk_seconds,voicemails",
            lines[0]);
        Assert.Equal($"{Group},Field Team,3,2,1,0,1,0,0,0,1,7,125,125,0", lines[1]);
        Assert.Equal(",(no group),1,0,0,0,0,0,1,0,0,,0,,0", lines[2]);
        Assert.Equal(",Total,4,2,1,0,1,0,1,0,1,7,125,125,0", lines[3]);
    }

    [Fact]
    public async Task AgentsHaveNoReportsLinkAndGetTheForbiddenPage()
    {
        await PanelBrowser.AgentWithSignInAsync(Org, "Carol", "carol@example.org", "+14155550115");
        await Page.SignInAsync("carol@example.org");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Call log" })).ToBeVisibleAsync();
        await Expect(
            Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
                .GetByRole(AriaRole.Link, new() { Name = "Reports" })).ToHaveCountAsync(0);

        foreach (var path in new[] { "/panel/reports", "/panel/reports?handler=Csv" })
        {
            var response = await Page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" }))
                .ToBeVisibleAsync();
        }
    }
}
