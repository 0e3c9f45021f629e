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
public sealed class AdminPanelTests(PanelBrowser browser) : IClassFixture<PanelBrowser>, IAsyncLifetime
{
    private const string AdminEmail = "ada@example.org";
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string SpareNumber = "+14155550103";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string ForwardTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private string _baseUrl = "";
    private long _group;
    private long _inbox;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _baseUrl = PanelBrowser.Start(_app);
        _org = await PanelBrowser.OrganizationWithAdminAsync(_app, AdminEmail);
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        var alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await _org.AddNumberAsync(SpareNumber);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddMinutes(-30));
        _page = await browser.OpenAsync(_baseUrl);
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }

    private async Task<TwiMLAnswer> CallAsync(string to) => (await _app.Provider().CallAsync(Contact, to)).Answer;

    [Fact]
    public async Task AdminSignsInAndLandsOnTheOrganizationsInboundCallsSetting()
    {
        await _page.GotoAsync("/panel");
        await Expect(_page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in"));
        await PanelBrowser.ScreenshotAsync(_page, "sign-in");

        await _page.SignInAsync(AdminEmail);

        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();
        await Expect(_page.GetByLabel("Connect to the agent who last texted them")).ToBeCheckedAsync();
        await Expect(_page.GetByText("Ada Admin · Acme Texting")).ToBeVisibleAsync();
        await PanelBrowser.ScreenshotAsync(_page, "settings");
    }

    [Fact]
    public async Task OrganizationSettingChangedInThePanelForwardsTheNextCallAndBack()
    {
        await _page.SignInAsync(AdminEmail);
        Assert.Equal(["Dial"], (await CallAsync(GroupNumber)).Verbs);

        await _page.GoAsync("Settings");
        await _page.ChooseInboundCallsAsync("Connect them to this phone number", "(415) 555-0177");
        await _page.ExpectSavedAsync();

        var forwarded = await CallAsync(GroupNumber);
        Assert.Equal(ForwardTarget, forwarded.Text("Number"));
        Assert.Null(forwarded.Find("Number")!.Attribute("url"));
        await Expect(_page.GetByLabel("Phone number", new() { Exact = true })).ToHaveValueAsync(ForwardTarget);

        await _page.ChooseInboundCallsAsync("Connect to the agent who last texted them");
        await _page.ExpectSavedAsync();
        var toAlice = await CallAsync(GroupNumber);
        Assert.Equal(AlicePhone, toAlice.Text("Number"));
        Assert.NotNull(toAlice.Find("Number")!.Attribute("url"));
    }

    [Fact]
    public async Task GroupSettingsShowTheOrganizationsSettingAndAGroupOfItsOwnWins()
    {
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await _page.SignInAsync(AdminEmail);

        await _page.GoAsync("Groups");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Field Team" }).ClickAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = "Group Settings" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Basic Info" })).ToBeVisibleAsync();
        await Expect(_page.GetByLabel("Follow organization setting")).ToBeCheckedAsync();
        await Expect(_page.GetByText($"The organization's setting is now: connect them to {ForwardTarget}")).ToBeVisibleAsync();
        Assert.Equal(ForwardTarget, (await CallAsync(GroupNumber)).Text("Number"));

        await _page.ChooseInboundCallsAsync("Connect to the agent who last texted them");
        await _page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(_page, "group-settings");

        Assert.Equal(AlicePhone, (await CallAsync(GroupNumber)).Text("Number"));
        var setting = await _org.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"{_org.Path}/groups/{_group}/inbound-calls");
        Assert.Equal("lastAgent", setting!.Text("mode"));
    }

    [Fact]
    public async Task InboxEditedFromItsMenuForwardsInsteadOfRejecting()
    {
        await _page.SignInAsync(AdminEmail);
        Assert.Equal(["Reject"], (await CallAsync(InboxNumber)).Verbs);

        await _page.GoAsync("Settings");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        await _page.GetByLabel("More actions for Help Line").ClickAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Edit inbox “Help Line”" })).ToBeVisibleAsync();
        await Expect(_page.GetByLabel("Reject inbound phone calls")).ToBeCheckedAsync();

        await _page.ChooseInboundCallsAsync("Forward to this phone number", ForwardTarget);
        await _page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(_page, "inbox-edit");

        var forwarded = await CallAsync(InboxNumber);
        Assert.Equal(ForwardTarget, forwarded.Text("Number"));
        Assert.Equal(InboxNumber, forwarded.Attribute("Dial", "callerId"));
    }

    [Fact]
    public async Task BadPhoneNumberIsRefusedBesideTheFieldWithTheInputKept()
    {
        await _page.SignInAsync(AdminEmail);
        await _page.GoAsync("Settings");

        await _page.ChooseInboundCallsAsync("Connect them to this phone number", "+1 555 0100");

        var field = _page.GetByLabel("Phone number", new() { Exact = true });
        await Expect(_page.Locator("#ForwardTo-error")).ToHaveTextAsync("+1 555 0100 is not a valid phone number");
        await Expect(field).ToHaveValueAsync("+1 555 0100");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(_page.GetByLabel("Connect them to this phone number")).ToBeCheckedAsync();
        Assert.Equal("lastAgent", (await _org.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"{_org.Path}/inbound-calls"))!.Text("mode"));
    }

    [Fact]
    public async Task CallAppearsInTheLogWithWhyItWentWhereItWent()
    {
        await CallAsync(GroupNumber);
        await _app.Provider().CallAsync("+14155550188", GroupNumber);
        await _page.SignInAsync(AdminEmail);

        await _page.GoAsync("Call log");

        var rows = _page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        var rang = rows.Filter(new() { HasText = "Alice" });
        await Expect(rang).ToContainTextAsync("Field Team");
        await Expect(rang).ToContainTextAsync("***0199");
        await Expect(rang).ToContainTextAsync("The group follows the organization's inbound-call routing");
        await Expect(rows.Filter(new() { HasText = "***0188" })).ToContainTextAsync("never texted from this group");
        await Expect(_page.Locator("main")).Not.ToContainTextAsync(Contact);
        await PanelBrowser.ScreenshotAsync(_page, "call-log");

        await _page.GetByLabel("Outcome").SelectOptionAsync(new SelectOptionValue { Label = "Rejected" });
        await _page.GetByRole(AriaRole.Button, new() { Name = "Show calls" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("***0188");
    }

    [Fact]
    public async Task TestACallExplainsStepByStepWithoutPlacingACall()
    {
        await _page.SignInAsync(AdminEmail);
        await _page.GoAsync("Test a call");

        await _page.GetByLabel("Contact's phone number").FillAsync("(415) 555-0199");
        await _page.GetByLabel("Platform number they call").SelectOptionAsync(GroupNumber);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();

        var explanation = _page.Locator("section.explanation");
        await Expect(explanation.Locator(".summary")).ToContainTextAsync("Alice's phone (***0111) would ring");
        var steps = explanation.Locator("ol.steps li");
        await Expect(steps.Nth(0)).ToContainTextAsync("***0199");
        await Expect(steps.Nth(1)).ToContainTextAsync("belongs to group \"Field Team\"");
        await Expect(steps.Nth(2)).ToContainTextAsync("follows the organization");
        await Expect(steps.Nth(3)).ToContainTextAsync("the agent who last texted the caller");
        await Expect(explanation).ToContainTextAsync("the organization's (the group follows it)");
        await Expect(explanation).Not.ToContainTextAsync("4155550199");
        await Expect(explanation).Not.ToContainTextAsync("4155550111");
        await Expect(_page.GetByLabel("Contact's phone number")).ToHaveValueAsync("(415) 555-0199");
        await PanelBrowser.ScreenshotAsync(_page, "test-a-call");

        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task NumberAssignedToTheInboxInThePanelTakesTheInboxSetting()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await _page.SignInAsync(AdminEmail);
        Assert.Equal(["Reject"], (await CallAsync(SpareNumber)).Verbs);

        await _page.GoAsync("Numbers");
        await _page.GetByLabel($"{SpareNumber} belongs to").SelectOptionAsync(new SelectOptionValue { Label = "Help Line" });
        await _page.GetByRole(AriaRole.Button, new() { Name = $"Save {SpareNumber}" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{SpareNumber} saved");

        Assert.Equal(ForwardTarget, (await CallAsync(SpareNumber)).Text("Number"));
    }

    [Fact]
    public async Task AdminAddsAnAgentWithAPanelPasswordWhoThenSignsInAndSeesOnlyTheirMaskedPeers()
    {
        await _page.SignInAsync(AdminEmail);
        await _page.GoAsync("Agents");

        var email = $"bea.{Guid.NewGuid():N}@example.org";
        await _page.GetByLabel("Name", new() { Exact = true }).FillAsync("Bea");
        await _page.GetByLabel("Email").FillAsync(email);
        await _page.GetByLabel("Personal number (optional)").FillAsync("415 555 0122");
        await _page.GetByLabel("Panel password (optional)").FillAsync(PanelBrowser.Password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Add agent" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync("Bea added");
        var bea = _page.Locator("tr", new() { HasText = "Bea" });
        await Expect(bea).ToContainTextAsync("***0122");
        await Expect(_page.Locator("tr", new() { HasText = "Alice" })).ToContainTextAsync("***0111");
        await Expect(_page.Locator("main")).Not.ToContainTextAsync("4155550111");

        var agentPage = await browser.OpenAsync(_baseUrl);
        await agentPage.SignInAsync(email);
        await agentPage.GoAsync("My phone");
        await Expect(agentPage.GetByLabel("My personal number")).ToHaveValueAsync("+14155550122");
        await agentPage.Context.CloseAsync();
    }

    [Fact]
    public async Task AgentDeactivatedInThePanelMakesTheCallerHearNobodyIsAvailable()
    {
        await _page.SignInAsync(AdminEmail);
        await _page.GoAsync("Agents");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Change Alice" }).ClickAsync();

        await _page.GetByRole(AriaRole.Button, new() { Name = "Deactivate Alice" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deactivated");
        Assert.Equal(["Say", "Hangup"], (await CallAsync(GroupNumber)).Verbs);
    }
}
