using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// Who may open what in the panel, signing in and out, lockout, a phone-sized screen and the keyboard alone.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class PanelAccessTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string CarolEmail = "carol@example.org";
    private const string OtherContact = "+14155550198";

    private long _carol;

    protected override async Task ArrangeAsync()
    {
        _carol = await PanelBrowser.AgentWithSignInAsync(Org, "Carol", CarolEmail, "+14155550113");
        var bob = await Org.CreateAgentAsync("Bob", "+14155550112");
        await Org.TextAsync(_carol, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-30));
        await Org.TextAsync(bob, OtherContact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-20));
    }

    private Task<TwiMLAnswer> CallsTheGroupAsync(string from) => CallAsync(from, GroupNumber);

    [Fact]
    public async Task AgentSeesOnlyTheirOwnCallsAndSettingsPagesAnswerTheForbiddenPage()
    {
        await CallsTheGroupAsync(Contact);
        await CallsTheGroupAsync(OtherContact);

        await Page.SignInAsync(CarolEmail);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Call log" })).ToBeVisibleAsync();
        var rows = Page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Carol");
        var navigation = Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveCountAsync(0);

        foreach (var adminPage in new[]
        {
            "/panel/settings",
            "/panel/settings/inboxes",
            "/panel/groups",
            "/panel/agents",
            "/panel/numbers",
            "/panel/test-a-call",
        })
        {
            var response = await Page.GotoAsync(adminPage);
            Assert.Equal(403, response!.Status);
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" }))
                .ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task AgentSetsTheirOwnPersonalNumberWhichOthersSeeMaskedAndCallsRing()
    {
        await Page.SignInAsync(CarolEmail);
        await Page.GoAsync("My phone");
        await Expect(Page.GetByLabel("My personal number")).ToHaveValueAsync("+14155550113");

        await Page.GetByLabel("My personal number").FillAsync("415 555 0144");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Calls for you now ring +14155550144");
        Assert.Equal("***0144", (await Org.Admin.GetJsonAsync($"{Org.Path}/agents/{_carol}")).Text("phone"));
        Assert.Equal("+14155550144", (await CallsTheGroupAsync(Contact)).Text("Number"));
    }

    [Fact]
    public async Task FiveWrongPasswordsLockSigningInForFifteenMinutes()
    {
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await Page.SignInAsync(AdminEmail, "not the password");
            await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or the password is wrong.");
            await Expect(Page.GetByLabel("Email")).ToHaveValueAsync(AdminEmail);
        }

        await Page.SignInAsync(AdminEmail, "not the password");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked for 15 minutes, until 12:15 UTC");

        await Page.SignInAsync(AdminEmail);
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");

        App.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await Page.SignInAsync(AdminEmail);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UnknownEmailGetsTheSameAnswerAsAWrongPassword()
    {
        await Page.SignInAsync("nobody@example.org");

        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or the password is wrong.");
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        await Page.SignInAsync(AdminEmail);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Page.GotoAsync("/panel/settings");
        await Expect(Page)
            .ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in\\?ReturnUrl=%2Fpanel%2Fsettings"));
    }

    [Fact]
    public async Task SignInCookieIsHttpOnlyAndNeverOpensTheApi()
    {
        await Page.SignInAsync(AdminEmail);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        var cookie = (await Page.Context.CookiesAsync()).Single(c => c.Name == "switchboard.panel");
        var api = await Page.APIRequest.GetAsync($"{Org.Path}/inbound-calls");

        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/panel", cookie.Path);
        Assert.Equal(401, api.Status);
    }

    [Fact]
    public async Task PagesAreNeitherCachedNorFramedWhileTheStylesheetMayBeCached()
    {
        await Page.SignInAsync(AdminEmail);

        var settings = await Page.GotoAsync("/panel/settings");
        var stylesheet = await Page.APIRequest.GetAsync(
            await Page.Locator("link[rel=stylesheet]").GetAttributeAsync("href") ?? "");

        Assert.Equal("no-store", settings!.Headers["cache-control"]);
        Assert.Equal("DENY", settings.Headers["x-frame-options"]);
        Assert.Contains("frame-ancestors 'none'", settings.Headers["content-security-policy"]);
        Assert.Equal(200, stylesheet.Status);
        Assert.False(stylesheet.Headers.TryGetValue("cache-control", out var caching) && caching.Contains("no-store"));
    }

    [Fact]
    public async Task FormPostedWithoutItsAntiforgeryTokenChangesNothing()
    {
        await Page.SignInAsync(AdminEmail);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        var forged = await Page.APIRequest.PostAsync("/panel/settings", new()
        {
            Form = Page.APIRequest.CreateFormData().Set("Mode", "forward").Set("ForwardTo", "+14155550177"),
        });

        Assert.Equal(400, forged.Status);
        Assert.Equal("lastAgent", (await Org.Admin.GetJsonAsync($"{Org.Path}/inbound-calls")).Text("mode"));
    }

    [Fact]
    public async Task OnAPhoneSizedScreenTheNavigationAndTheFormsAreReachable()
    {
        var phone = await Browser.OpenAsync(BaseUrl, 375, 667);
        await phone.SignInAsync(AdminEmail);
        var navigation = phone.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in new[] { "Settings", "Groups", "Agents", "Numbers", "Call log", "Test a call" })
        {
            await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }))
                .ToBeInViewportAsync();
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
        await Page.GotoAsync("/panel");
        await TabToAsync("Email");
        await Page.Keyboard.TypeAsync(AdminEmail);
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.TypeAsync(PanelBrowser.Password);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).ToBeVisibleAsync();

        await TabToAsync("Mode-lastAgent");
        Assert.Equal(
            "solid",
            await Page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
        await Page.Keyboard.PressAsync("ArrowDown");
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("ForwardTo", await FocusedIdAsync());
        await Page.Keyboard.TypeAsync("+14155550177");
        await Page.Keyboard.PressAsync("Enter");

        await Page.ExpectSavedAsync();
        Assert.Equal("+14155550177", (await CallsTheGroupAsync(Contact)).Text("Number"));
    }

    private Task<string> FocusedIdAsync() =>
        Page.EvaluateAsync<string>("document.activeElement ? document.activeElement.id : ''");

    /// <summary>
    /// Presses Tab until the element with the id has the focus, as a keyboard user moves through the page.
    /// </summary>
    private async Task TabToAsync(string id)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await FocusedIdAsync() == id)
            {
                return;
            }

            await Page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached #{id}");
    }
}
