using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The admin's API keys page in a real headless Chromium: create (secret shown once), rotate, revoke; each proven by
/// what the admin API then answers to the key.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class ApiKeysPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string CarolEmail = "carol@example.org";

    private long _alice;

    protected override async Task ArrangeAsync()
    {
        _alice = await Org.CreateAgentAsync("Alice", "+14155550111");
        await PanelBrowser.AgentWithSignInAsync(Org, "Carol", CarolEmail, "+14155550113");
    }

    private async Task<HttpStatusCode> StatusWithAsync(string key, string path) =>
        (await App.WithBearer(key).GetAsync(Org.Path + path)).StatusCode;

    private ILocator Row(string keyName) => Page.Locator("table.keys tbody tr", new() { HasText = keyName });

    private async Task<string> MadeKeyAsync()
    {
        var key = await Page.Locator("#made-key").TextContentAsync();
        Assert.StartsWith("sbk_", key);
        return key!;
    }

    [Fact]
    public async Task AdminCreatesAnAdminKeyShownOnceThatWorksInTheApi()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("API keys");
        await Expect(Row("admin")).ToContainTextAsync("active");

        await Page.GetByLabel("Key name").FillAsync("texting platform");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Key texting platform created.");
        var key = await MadeKeyAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(key, "/groups"));
        await Expect(Row("texting platform")).ToContainTextAsync("admin");
        await Expect(Row("texting platform")).ToContainTextAsync("2026-11-24 12:00");
        await Expect(Row("texting platform")).ToContainTextAsync("active");

        await Page.GoAsync("API keys");
        await Expect(Page.Locator("#made-key")).ToHaveCountAsync(0);
        // The secret is everything after "sbk_{id}_"; it may itself hold '_' (base64url)
        var secret = key[(key.IndexOf('_', "sbk_".Length) + 1)..];
        Assert.DoesNotContain(secret, await Page.ContentAsync());
    }

    [Fact]
    public async Task AdminCreatesAnAgentKeyThatActsAsThatAgentOnly()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("API keys");

        await Page.GetByLabel("Key name").FillAsync("alice's phone");
        await Page.GetByLabel("Acts as").SelectOptionAsync(new SelectOptionValue { Label = "An agent (choose below)" });
        await Page.GetByLabel("Agent (for an agent key)").SelectOptionAsync(new SelectOptionValue { Label = "Alice" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        var key = await MadeKeyAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(key, $"/agents/{_alice}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWithAsync(key, "/groups"));
        await Expect(Row("alice's phone")).ToContainTextAsync("agent: Alice");
    }

    [Fact]
    public async Task AgentKeyWithoutAnAgentIsRefusedBesideTheFieldAndNothingIsMade()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("API keys");

        await Page.GetByLabel("Key name").FillAsync("nobody's phone");
        await Page.GetByLabel("Acts as").SelectOptionAsync(new SelectOptionValue { Label = "An agent (choose below)" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(Page.Locator("#AgentId-error")).ToHaveTextAsync("The agent is required for an agent key");
        await Expect(Page.GetByLabel("Key name")).ToHaveValueAsync("nobody's phone");
        await Expect(Page.Locator("#made-key")).ToHaveCountAsync(0);
        Assert.Single((await Org.Admin.GetJsonAsync($"{Org.Path}/api-keys")).AsArray());
    }

    [Fact]
    public async Task AdminRotatesAKeyTheOldSecretStopsAndTheNewOneWorks()
    {
        var created = await TestOrganization.ReadAsync(
            await Org.Admin.PostAsJsonAsync($"{Org.Path}/api-keys", new { name = "laptop", role = "admin" }));
        var old = created.Text("key");
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("API keys");

        await Row("laptop").GetByRole(AriaRole.Button, new() { Name = "Rotate laptop" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Key laptop rotated.");
        var key = await MadeKeyAsync();
        Assert.Equal(created.Id(), ApiAnswers.KeyId(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(old, "/groups"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(key, "/groups"));
        await Expect(Row("laptop")).ToHaveCountAsync(1);
        await Expect(Row("laptop")).ToContainTextAsync("active");
    }

    [Fact]
    public async Task AdminRevokesAKeyWhichIsRefusedFromThenOnAndCannotBeRotated()
    {
        var created = await TestOrganization.ReadAsync(
            await Org.Admin.PostAsJsonAsync($"{Org.Path}/api-keys", new { name = "old laptop", role = "admin" }));
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("API keys");
        App.Clock.Advance(TimeSpan.FromMinutes(5));

        await Row("old laptop").GetByRole(AriaRole.Button, new() { Name = "Revoke old laptop" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Key revoked.");
        await Expect(Row("old laptop")).ToContainTextAsync("revoked 2026-11-24 12:05");
        await Expect(Row("old laptop").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(created.Text("key"), "/groups"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(Org.AdminKey, "/groups"));
        // The picture in docs/panel.md shows no secret, so that it is the same run after run.
        await PanelBrowser.ScreenshotAsync(Page, "api-keys");
    }

    [Fact]
    public async Task AgentHasNoApiKeysPage()
    {
        await Page.SignInAsync(CarolEmail);

        await Expect(
            Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
                .GetByRole(AriaRole.Link, new() { Name = "API keys" })).ToHaveCountAsync(0);
        var response = await Page.GotoAsync("/panel/api-keys");

        Assert.Equal(403, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" })).ToBeVisibleAsync();
    }
}
