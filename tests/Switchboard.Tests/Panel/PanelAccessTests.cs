using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>Who may open what in the panel, signing in and out, lockout, a phone-sized screen and the keyboard alone.</summary>
[Trait("Database", "sqlite")]
public sealed class PanelAccessTests(PanelBrowser browser) : IClassFixture<PanelBrowser>, IAsyncLifetime
{
    private const string AdminEmail = "ada@example.org";
    private const string CarolEmail = "carol@example.org";
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string OtherContact = "+14155550198";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private string _baseUrl = "";
    private long _carol;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _baseUrl = PanelBrowser.Start(_app);
        _org = await PanelBrowser.OrganizationWithAdminAsync(_app, AdminEmail);
        var group = await _org.CreateGroupAsync("Field Team");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        _carol = await PanelBrowser.AgentWithSignInAsync(_org, "Carol", CarolEmail, "+14155550113");
        var bob = await _org.CreateAgentAsync("Bob", "+14155550112");
        await _org.TextAsync(_carol, Contact, GroupNumber, _app.Clock.GetUtcNow().AddMinutes(-30));
        await _org.TextAsync(bob, OtherContact, GroupNumber, _app.Clock.GetUtcNow().AddMinutes(-20));
        _page = await browser.OpenAsync(_baseUrl);
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }

    private async Task<TwiMLAnswer> CallAsync(string from) => (await _app.Provider().CallAsync(from, GroupNumber)).Answer;

    [Fact]
    public async Task AgentSeesOnlyTheirOwnCallsAndSettingsPagesAnswerTheForbiddenPage()
    {
        await CallAsync(Contact);
        await CallAsync(OtherContact);

        await _page.SignInAsync(CarolEmail);

        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Call log" })).ToBeVisibleAsync();
        var rows = _page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Carol");
        var navigation = _page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveCountAsync(0);

        foreach (var adminPage in new[] { "/panel/settings", "/panel/settings/inboxes", "/panel/groups", "/panel/agents", "/panel/numbers", "/panel/test-a-call" })
        {
            var response = await _page.GotoAsync(adminPage);
            Assert.Equal(403, response!.Status);
            await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" })).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task AgentSetsTheirOwnPersonalNumberWhichOthersSeeMaskedAndCallsRing()
    {
        await _page.SignInAsync(CarolEmail);
        await _page.GoAsync("My phone");
        await Expect(_page.GetByLabel("My personal number")).ToHaveValueAsync("+14155550113");

        await _page.GetByLabel("My personal number").FillAsync("415 555 0144");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status)).ToContainTextAsync("Calls for you now ring +14155550144");
        Assert.Equal("***0144", (await _org.Admin.GetJsonAsync($"{_org.Path}/agents/{_carol}")).Text("phone"));
        Assert.Equal("+14155550144", (await CallAsync(Contact)).Text("Number"));
    }

    [Fact]
    public async Task FiveWrongPasswordsLockSigningInForFifteenMinutes()
    {
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await _page.SignInAsync(AdminEmail, "not the password");
            await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or the password is wrong.");
            await Expect(_page.GetByLabel("Email")).ToHaveValueAsync(AdminEmail);
        }

        await _page.SignInAsync(AdminEmail, "not the password");
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked for 15 minutes, until 12:15 UTC");

        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");

        _app.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UnknownEmailGetsTheSameAnswerAsAWrongPassword()
    {
        await _page.SignInAsync("nobody@example.org");

        await Expect(_page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or the password is wrong.");
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _page.GotoAsync("/panel/settings");
        await Expect(_page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in\\?ReturnUrl=%2Fpanel%2Fsettings"));
    }

    [Fact]
    public async Task SignInCookieIsHttpOnlyAndNeverOpensTheApi()
    {
        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        var cookie = (await _page.Context.CookiesAsync()).Single(c => c.Name == "switchboard.panel");
        var api = await _page.APIRequest.GetAsync($"{_org.Path}/inbound-calls");

        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/panel", cookie.Path);
        Assert.Equal(401, api.Status);
    }

    [Fact]
    public async Task FormPostedWithoutItsAntiforgeryTokenChangesNothing()
    {
        await _page.SignInAsync(AdminEmail);
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        var forged = await _page.APIRequest.PostAsync("/panel/settings", new()
        {
            Form = _page.APIRequest.CreateFormData().Set("Mode", "forward").Set("ForwardTo", "+14155550177"),
        });

        Assert.Equal(400, forged.Status);
        Assert.Equal("lastAgent", (await _org.Admin.GetJsonAsync($"{_org.Path}/inbound-calls")).Text("mode"));
    }

    [Fact]
    public async Task OnAPhoneSizedScreenTheNavigationAndTheFormsAreReachable()
    {
        var phone = await browser.OpenAsync(_baseUrl, 375, 667);
        await phone.SignInAsync(AdminEmail);
        var navigation = phone.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in new[] { "Settings", "Groups", "Agents", "Numbers", "Call log", "Test a call" })
        {
            await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeInViewportAsync();
        }

        await phone.GoAsync("Groups");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Field Team" }).ClickAsync();
        await phone.GetByRole(AriaRole.Link, new() { Name = "Group Settings" }).ClickAsync();
        await Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToBeVisibleAsync();
        var width = await phone.EvaluateAsync<int>("document.documentElement.scrollWidth");
        await PanelBrowser.ScreenshotAsync(phone, "phone-group-settings");

        await phone.ChooseInboundCallsAsync("Connect them to this phone number", "+14155550177");
        await phone.ExpectSavedAsync();
        Assert.True(width <= 375, $"the page is {width}px wide on a 375px screen");
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task KeyboardAloneSignsInAndChangesTheSetting()
    {
        await _page.GotoAsync("/panel");
        await TabToAsync("Email");
        await _page.Keyboard.TypeAsync(AdminEmail);
        await _page.Keyboard.PressAsync("Tab");
        await _page.Keyboard.TypeAsync(PanelBrowser.Password);
        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        await TabToAsync("Mode-lastAgent");
        Assert.Equal("solid", await _page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
        await _page.Keyboard.PressAsync("ArrowDown");
        await _page.Keyboard.PressAsync("Tab");
        Assert.Equal("ForwardTo", await FocusedIdAsync());
        await _page.Keyboard.TypeAsync("+14155550177");
        await _page.Keyboard.PressAsync("Enter");

        await _page.ExpectSavedAsync();
        Assert.Equal("+14155550177", (await CallAsync(Contact)).Text("Number"));
    }

    private Task<string> FocusedIdAsync() => _page.EvaluateAsync<string>("document.activeElement ? document.activeElement.id : ''");

    /// <summary>Presses Tab until the element with the id has the focus, as a keyboard user moves through the page.</summary>
    private async Task TabToAsync(string id)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await FocusedIdAsync() == id)
            {
                return;
            }

            await _page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached #{id}");
    }
}
