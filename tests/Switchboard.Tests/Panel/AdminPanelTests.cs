using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// A new admin in the panel, in a real headless Chromium: every setting changed by clicking and typing, then
/// proven by the TwiML that a signed webhook gets. Runs on SQLite only: the pages call the same services whose
/// storage the API tests run on both databases.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class AdminPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string InboxNumber = "+14155550102";
    private const string SpareNumber = "+14155550103";
    private const string AlicePhone = "+14155550111";
    private const string ForwardTarget = "+14155550177";

    private long _inbox;

    protected override async Task ArrangeAsync()
    {
        _inbox = await Org.CreateInboxAsync("Help Line");
        var alice = await Org.CreateAgentAsync("Alice", AlicePhone, email: "alice@example.org");
        await Org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await Org.AddNumberAsync(SpareNumber);
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-30));
    }

    private Task<TwiMLAnswer> ContactCallsAsync(string number) => CallAsync(Contact, number);

    [Fact]
    public async Task AdminSignsInAndLandsOnTheOrganizationsInboundCallsSetting()
    {
        await Page.GotoAsync("/panel");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in"));
        await PanelBrowser.ScreenshotAsync(Page, "sign-in");

        await Page.SignInAsync(AdminEmail);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Connect to the agent who last texted them")).ToBeCheckedAsync();
        await Expect(Page.GetByText("Ada Admin · Acme Texting")).ToBeVisibleAsync();
        await PanelBrowser.ScreenshotAsync(Page, "settings");
    }

    [Fact]
    public async Task OrganizationSettingChangedInThePanelForwardsTheNextCallAndBack()
    {
        await Page.SignInAsync(AdminEmail);
        Assert.Equal(["Dial"], (await ContactCallsAsync(GroupNumber)).Verbs);

        await Page.GoAsync("Settings");
        await Page.ChooseInboundCallsAsync("Connect them to this phone number", "(415) 555-0177");
        await Page.ExpectSavedAsync();

        var forwarded = await ContactCallsAsync(GroupNumber);
        Assert.Equal(ForwardTarget, forwarded.Text("Number"));
        Assert.Null(forwarded.Find("Number")!.Attribute("url"));
        await Expect(Page.GetByLabel("Phone number", new() { Exact = true })).ToHaveValueAsync(ForwardTarget);

        await Page.ChooseInboundCallsAsync("Connect to the agent who last texted them");
        await Page.ExpectSavedAsync();
        var toAlice = await ContactCallsAsync(GroupNumber);
        Assert.Equal(AlicePhone, toAlice.Text("Number"));
        Assert.NotNull(toAlice.Find("Number")!.Attribute("url"));
    }

    [Fact]
    public async Task GroupSettingsShowTheOrganizationsSettingAndAGroupOfItsOwnWins()
    {
        await Org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await Page.SignInAsync(AdminEmail);

        await Page.GoAsync("Groups");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Field Team" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Group Settings" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Basic Info" })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Follow organization setting")).ToBeCheckedAsync();
        await Expect(Page.GetByText("The organization's setting is now: connect them to (415) 555-0177"))
            .ToBeVisibleAsync();
        Assert.Equal(ForwardTarget, (await ContactCallsAsync(GroupNumber)).Text("Number"));

        await Page.ChooseInboundCallsAsync("Connect to the agent who last texted them");
        await Page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(Page, "group-settings");

        Assert.Equal(AlicePhone, (await ContactCallsAsync(GroupNumber)).Text("Number"));
        var setting = await Org.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(
            $"{Org.Path}/groups/{Group}/inbound-calls");
        Assert.Equal("lastAgent", setting!.Text("mode"));
    }

    [Fact]
    public async Task InboxEditedFromItsMenuForwardsInsteadOfRejecting()
    {
        await Page.SignInAsync(AdminEmail);
        Assert.Equal(["Reject"], (await ContactCallsAsync(InboxNumber)).Verbs);

        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        await Page.GetByLabel("More actions for Help Line").ClickAsync();
        await PanelBrowser.ScreenshotAsync(Page, "settings-inbox-menu");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Edit inbox “Help Line”" })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Reject inbound phone calls")).ToBeCheckedAsync();

        await Page.ChooseInboundCallsAsync("Forward to this phone number", ForwardTarget);
        await Page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(Page, "inbox-edit");

        var forwarded = await ContactCallsAsync(InboxNumber);
        Assert.Equal(ForwardTarget, forwarded.Text("Number"));
        Assert.Equal(InboxNumber, forwarded.Attribute("Dial", "callerId"));
    }

    [Fact]
    public async Task BadPhoneNumberIsRefusedBesideTheFieldWithTheInputKept()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");

        await Page.ChooseInboundCallsAsync("Connect them to this phone number", "+1 555 0100");

        var field = Page.GetByLabel("Phone number", new() { Exact = true });
        await Expect(Page.Locator("#ForwardTo-error")).ToHaveTextAsync("+1 555 0100 is not a valid phone number");
        await Expect(field).ToHaveValueAsync("+1 555 0100");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByLabel("Connect them to this phone number")).ToBeCheckedAsync();
        Assert.Equal(
            "lastAgent",
            (await Org.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"{Org.Path}/inbound-calls"))!
                .Text("mode"));
    }

    [Fact]
    public async Task CallAppearsInTheLogWithWhyItWentWhereItWent()
    {
        await ContactCallsAsync(GroupNumber);
        await CallAsync("+14155550188", GroupNumber);
        await Page.SignInAsync(AdminEmail);

        await Page.GoAsync("Call log");

        var rows = Page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        var rang = rows.Filter(new() { HasText = "Alice" });
        await Expect(rang).ToContainTextAsync("Field Team");
        await Expect(rang).ToContainTextAsync("***0199");
        await Expect(rang).ToContainTextAsync("The group follows the organization's inbound-call routing");
        await Expect(rows.Filter(new() { HasText = "***0188" })).ToContainTextAsync("never texted from this group");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync(Contact);
        await PanelBrowser.ScreenshotAsync(Page, "call-log");

        await Page.GetByLabel("Outcome").SelectOptionAsync(new SelectOptionValue { Label = "Rejected" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show calls" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("***0188");
    }

    [Fact]
    public async Task TestACallExplainsStepByStepWithoutPlacingACall()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Test a call");

        await Page.GetByLabel("Contact's phone number").FillAsync("(415) 555-0199");
        await Page.GetByLabel("Platform number they call").SelectOptionAsync(GroupNumber);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();

        var explanation = Page.Locator("section.explanation");
        await Expect(explanation.Locator(".summary")).ToContainTextAsync("Alice's phone (***0111) would ring");
        var steps = explanation.Locator("ol.steps li");
        await Expect(steps.Nth(0)).ToContainTextAsync("***0199");
        await Expect(steps.Nth(1)).ToContainTextAsync("belongs to group \"Field Team\"");
        await Expect(steps.Nth(2)).ToContainTextAsync("follows the organization");
        await Expect(steps.Nth(3)).ToContainTextAsync("the agent who last texted the caller: Alice at");
        await Expect(explanation).ToContainTextAsync("the organization's (the group follows it)");
        await Expect(explanation).Not.ToContainTextAsync("4155550199");
        await Expect(explanation).Not.ToContainTextAsync("4155550111");
        await Expect(Page.GetByLabel("Contact's phone number")).ToHaveValueAsync("(415) 555-0199");
        await PanelBrowser.ScreenshotAsync(Page, "test-a-call");

        Assert.Empty(await Org.CallsAsync());
    }

    [Fact]
    public async Task NumberAssignedToTheInboxInThePanelTakesTheInboxSetting()
    {
        await Org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await Page.SignInAsync(AdminEmail);
        Assert.Equal(["Reject"], (await ContactCallsAsync(SpareNumber)).Verbs);

        await Page.GoAsync("Numbers");
        await Page.GetByLabel("(415) 555-0103 belongs to")
            .SelectOptionAsync(new SelectOptionValue { Label = "Help Line" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save (415) 555-0103" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{SpareNumber} saved");
        await PanelBrowser.ScreenshotAsync(Page, "numbers");

        Assert.Equal(ForwardTarget, (await ContactCallsAsync(SpareNumber)).Text("Number"));
    }

    [Fact]
    public async Task AdminAddsAnAgentWithAPanelPasswordWhoThenSignsInAndSeesOnlyTheirMaskedPeers()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Agents");

        const string email = "bea@example.org";
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Bea");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Personal number (optional)").FillAsync("415 555 0122");
        await Page.GetByLabel("Panel password (optional)").FillAsync(PanelBrowser.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add agent" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Bea added");
        var bea = Page.Locator("tr", new() { HasText = "Bea" });
        await Expect(bea).ToContainTextAsync("***0122");
        await Expect(Page.Locator("tr", new() { HasText = "Alice" })).ToContainTextAsync("***0111");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("4155550111");
        await PanelBrowser.ScreenshotAsync(Page, "agents");

        var agentPage = await Browser.OpenAsync(BaseUrl);
        await agentPage.SignInAsync(email);
        await agentPage.GoAsync("My phone");
        await Expect(agentPage.GetByLabel("My personal number")).ToHaveValueAsync("+14155550122");
        await agentPage.Context.CloseAsync();
    }

    [Fact]
    public async Task AgentDeactivatedInThePanelMakesTheCallerHearNobodyIsAvailable()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Agents");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change Alice" }).ClickAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Deactivate Alice" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deactivated");
        Assert.Equal(["Say", "Hangup"], (await ContactCallsAsync(GroupNumber)).Verbs);
    }
}
