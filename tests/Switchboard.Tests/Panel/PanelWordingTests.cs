using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// What the panel says, read in a real Chromium as an admin reads it: numbers as people write them at home, agents
/// by name, choices in their own words, searches by name, and empty pages that say what to do first.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class PanelWordingTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string InboxNumber = "+14155550102";
    private const string BobContact = "+14155550198";
    private const string ForwardTarget = "+14155550177";

    protected override async Task ArrangeAsync()
    {
        var alice = await Org.CreateAgentAsync("Alice", "+14155550111", email: "alice@example.org");
        var bob = await Org.CreateAgentAsync("Bob", "+14155550112", email: "bob@example.org");
        var inbox = await Org.CreateInboxAsync("Help Line");
        await Org.AddNumberAsync(InboxNumber, inboxId: inbox);
        await Org.SetAsync($"/inboxes/{inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));
        await Org.TextAsync(bob, BobContact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));
        await CallAsync(Contact, GroupNumber);
        await CallAsync(BobContact, GroupNumber);
        await CallAsync("+14155550197", InboxNumber);
    }

    private ILocator CallRows => Page.Locator("table.calls tbody tr");

    [Fact]
    public async Task NumbersReadAsAtHomeWithTheFullNumberOnHover()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Numbers");

        await Expect(Page.Locator("main .rows").GetByTitle(GroupNumber)).ToHaveTextAsync("(415) 555-0100");
        await Expect(Page.Locator("main .rows")).Not.ToContainTextAsync("+14155550100");

        await Page.GoAsync("Agents");
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Alice" })).ToContainTextAsync("***0111");

        await Page.GoAsync("Call log");
        var forwarded = CallRows.Filter(new() { HasText = "Help Line" });
        await Expect(forwarded).ToContainTextAsync("forwarded to (415) 555-0177");
        await Expect(forwarded.Locator("td[data-label=Number] span")).ToHaveAttributeAsync("title", InboxNumber);
        await Expect(forwarded.Locator("td[data-label=Number]")).ToHaveTextAsync("(415) 555-0102");
    }

    [Fact]
    public async Task TestACallNamesTheAgentWhoLastTextedTheCaller()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Test a call");

        await Expect(Page.GetByLabel("Platform number they call").Locator("option"))
            .ToHaveTextAsync(["(415) 555-0100", "(415) 555-0102"]);
        await Page.GetByLabel("Contact's phone number").FillAsync(BobContact);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();

        var steps = Page.Locator("section.explanation ol.steps li");
        await Expect(steps.Filter(new() { HasText = "the agent who last texted the caller" }))
            .ToContainTextAsync("texted the caller: Bob at");
        await Expect(Page.Locator("section.explanation"))
            .Not.ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"agent \d"));
    }

    [Fact]
    public async Task InboxesSayTheirSettingInTheWordsOfTheChoice()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();

        await Expect(Page.Locator("main .rows")).ToContainTextAsync("Inbound calls: Forward to (415) 555-0177");

        await Page.GetByLabel("More actions for Help Line").ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Page.GetByLabel("Reject inbound phone calls").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Page.GotoAsync("/panel/settings/inboxes");

        await Expect(Page.Locator("main .rows")).ToContainTextAsync("Inbound calls: Reject inbound phone calls");
    }

    [Fact]
    public async Task TheForwardNumberIsReadOutWithTheChoiceThatUsesIt()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");

        var number = Page.GetByLabel("Phone number", new() { Exact = true });
        await Expect(number).ToHaveAccessibleDescriptionAsync("Connect them to this phone number");
        var choice = Page.GetByRole(AriaRole.Group, new() { Name = "Inbound calls" })
            .Locator(".option")
            .Filter(new() { Has = Page.GetByLabel("Connect them to this phone number") });
        await Expect(choice.Locator("#ForwardTo")).ToHaveCountAsync(1);

        await Page.ChooseInboundCallsAsync("Connect them to this phone number", "12");
        await Expect(number)
            .ToHaveAccessibleDescriptionAsync("Connect them to this phone number 12 is not a valid phone number");
    }

    [Fact]
    public async Task CallLogSearchFindsCallsByAgentOrGroupNameAndNeverByNumber()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Call log");
        await Expect(CallRows).ToHaveCountAsync(3);

        await Page.GetByLabel("Find a name").FillAsync("bob");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show calls" }).ClickAsync();
        await Expect(CallRows).ToHaveCountAsync(1);
        await Expect(CallRows).ToContainTextAsync("Bob");
        Assert.Contains("Search=bob", Page.Url, StringComparison.Ordinal);

        await Page.GetByLabel("Find a name").FillAsync("help");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show calls" }).ClickAsync();
        await Expect(CallRows).ToHaveCountAsync(1);
        await Expect(CallRows).ToContainTextAsync("Help Line");
        await PanelBrowser.ScreenshotAsync(Page, "call-log-search");

        await Page.GetByLabel("Find a name").FillAsync("555 0198");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show calls" }).ClickAsync();
        Assert.DoesNotContain("0198", Page.Url, StringComparison.Ordinal);
        Assert.False(await Page.GetByLabel("Find a name").EvaluateAsync<bool>("e => e.validity.valid"));

        await Page.GotoAsync("/panel/calls?Search=zzz");
        await Expect(Page.GetByText("No calls match.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Show all calls" }).ClickAsync();
        await Expect(CallRows).ToHaveCountAsync(3);
    }

    [Fact]
    public async Task AgentsListIsSearchedByNameOrEmail()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Agents");
        var rows = Page.Locator("main table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        await Page.GetByLabel("Find an agent").FillAsync("ALI");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Alice");
        await PanelBrowser.ScreenshotAsync(Page, "agents-search");

        await Page.GetByLabel("Find an agent").FillAsync("bob@example");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Bob");

        await Page.GetByLabel("Find an agent").FillAsync("nobody");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(Page.GetByText("No agent matches “nobody”.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnEmptyOrganizationIsToldWhatToDoFirst()
    {
        var empty = await PanelBrowser.OrganizationWithAdminAsync(App, "nina@example.org", "New Texting");
        await Page.SignInAsync("nina@example.org");

        await Page.GoAsync("Numbers");
        await Expect(Page.GetByText("No numbers yet — add one below")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "add one below" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#add-number$"));

        await Page.GoAsync("Groups");
        await Expect(Page.GetByText("No groups yet — add one below")).ToBeVisibleAsync();

        await Page.GoAsync("Call log");
        await Expect(Page.GetByText("No calls yet.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "adding a number" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Numbers" })).ToBeVisibleAsync();

        await Page.GoAsync("Test a call");
        await Expect(Page.GetByText("No numbers yet — add one on the Numbers page")).ToBeVisibleAsync();
        Assert.NotEqual(Org.Id, empty.Id);
    }
}
