using System.Net;
using System.Net.Http.Json;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Panel;

/// <summary>
/// One person signed in to the panel on two browsers (plain HTTP, cookies kept): a new password, "sign out everywhere"
/// or the person made inactive ends the sessions at their next request.
/// </summary>
[Trait("Database", "yes")]
public sealed class PanelSessionsTests : IAsyncLifetime
{
    private const string Email = "carol@example.org";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _carol;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _carol = await PanelBrowser.AgentWithSignInAsync(_org, "Carol", Email, "+14155550113");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<HttpClient> SignedInAsync()
    {
        var browser = PanelForms.Browser(_app);
        var signIn = await PanelForms.SignInAsync(browser, Email, PanelBrowser.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.True(await SignedInAsync(browser));
        return browser;
    }

    /// <summary>A signed-in browser reads its page; a signed-out one is sent to the sign-in page.</summary>
    private static async Task<bool> SignedInAsync(HttpClient browser)
    {
        var page = await browser.GetAsync("/panel/my-phone");
        return page.StatusCode == HttpStatusCode.OK
            || (page.StatusCode == HttpStatusCode.Redirect
                && page.Headers.Location?.ToString().Contains("/panel/sign-in", StringComparison.Ordinal) == true
                ? false
            : throw new InvalidOperationException($"unexpected {(int)page.StatusCode}"));
    }

    [Fact]
    public async Task NewPasswordEndsEverySessionSignedInWithTheOldOne()
    {
        var laptop = await SignedInAsync();
        var phone = await SignedInAsync();

        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync(
                $"{_org.Path}/agents/{_carol}/panel-password",
                new { password = "a brand new long password" }));

        Assert.False(await SignedInAsync(laptop));
        Assert.False(await SignedInAsync(phone));
        var again = PanelForms.Browser(_app);
        Assert.Equal(
            HttpStatusCode.Redirect,
            (await PanelForms.SignInAsync(again, Email, "a brand new long password")).StatusCode);
        Assert.True(await SignedInAsync(again));
    }

    [Fact]
    public async Task SignOutEverywhereEndsTheOtherSessionsAtOnceAndIsAudited()
    {
        var laptop = await SignedInAsync();
        var phone = await SignedInAsync();

        var signedOut = await PanelForms.PostAsync(phone, "/panel/my-phone", "/panel/sign-out?handler=Everywhere", []);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.False(await SignedInAsync(laptop));
        Assert.False(await SignedInAsync(phone));
        Assert.True(await SignedInAsync(await SignedInAsync()));
        var entry = (await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType=panelLogin"))["items"]!
            .AsArray()
            .First()!;
        Assert.Equal("signedOutEverywhere", entry.Text("action"));
        Assert.Equal("Carol", entry["actor"]!.Text("name"));
    }

    [Fact]
    public async Task PersonMadeInactiveIsSignedOutAtTheNextRequest()
    {
        var laptop = await SignedInAsync();

        await TestOrganization.ReadAsync(
            await _org.Admin.SendJsonAsync(HttpMethod.Patch, $"{_org.Path}/agents/{_carol}", new { active = false }));

        Assert.False(await SignedInAsync(laptop));
    }
}
