using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The audit log page: an admin reads who changed what, before → after, in a real headless Chromium; agents may not
/// open it.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class AuditPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string CarolEmail = "carol@example.org";

    private long _bob;

    protected override async Task ArrangeAsync()
    {
        await PanelBrowser.AgentWithSignInAsync(Org, "Carol", CarolEmail, "+14155550113");
        _bob = await Org.CreateAgentAsync("Bob", "+14155550112", email: "bob@example.org");
    }

    [Fact]
    public async Task AdminSeesTheirOwnChangeAtTheTopWithTheNumberMasked()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 14, 5, 9, TimeSpan.Zero));
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Agents");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change Bob" }).ClickAsync();
        await Page.GetByLabel("New personal number").FillAsync("415 555 0144");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save number" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Personal number saved");

        await Page.GoAsync("Audit log");

        var newest = Page.Locator("table.audit tbody tr").First;
        await Expect(newest.Locator("td[data-label='When (UTC)']")).ToHaveTextAsync("2026-11-24 14:05:09");
        await Expect(newest.Locator("td[data-label='Who']")).ToHaveTextAsync("Ada Admin in the panel (admin)");
        await Expect(newest.Locator("td[data-label='What']")).ToHaveTextAsync($"Agent {_bob} changed");
        await Expect(newest.Locator("td[data-label='Before → after']")).ToHaveTextAsync("phone: ***0112 → ***0144");
        Assert.DoesNotContain("4155550144", await Page.ContentAsync());

        await Page.GetByLabel("Changes to").SelectOptionAsync("Numbers");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show changes" }).ClickAsync();
        var rows = Page.Locator("table.audit tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync($"Number {GroupNumber} created");
        await Expect(rows).ToContainTextAsync("API key “admin”");
        await Expect(rows).ToContainTextAsync("groupId: none → " + Group);

        await Page.GetByLabel("Changes to").SelectOptionAsync("Everything");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show changes" }).ClickAsync();
        await PanelBrowser.ScreenshotAsync(Page, "audit-log");
    }

    [Fact]
    public async Task AgentHasNoAuditLogLinkAndGetsTheForbiddenPage()
    {
        await Page.SignInAsync(CarolEmail);

        await Expect(
            Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
                .GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        var response = await Page.GotoAsync("/panel/audit");
        Assert.Equal(403, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" })).ToBeVisibleAsync();
    }
}
