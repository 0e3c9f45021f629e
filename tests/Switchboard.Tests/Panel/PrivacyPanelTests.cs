using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// Settings → Privacy in a real headless Chromium: how long data is kept, and forgetting a contact after seeing what
/// goes.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class PrivacyPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string AlicePhone = "+14155550111";

    protected override async Task ArrangeAsync()
    {
        var alice = await Org.CreateAgentAsync("Alice", AlicePhone, email: "alice@example.org");
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-30));
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-20));
    }

    [Fact]
    public async Task AdminSetsHowLongDataIsKept()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Privacy" }).ClickAsync();

        await Page.GetByLabel("Keep data for (days)").FillAsync("0");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.Locator("#dataRetentionDays-error")).ToContainTextAsync("1 to 3650");

        await Page.GetByLabel("Keep data for (days)").FillAsync("90");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Page.ExpectSavedAsync();
        await Expect(Page.GetByLabel("Keep data for (days)")).ToHaveValueAsync("90");
    }

    [Fact]
    public async Task AdminForgetsAContactAfterSeeingTheCountsAndTheCallIsThenNeverTexted()
    {
        await CallAsync(Contact, GroupNumber);
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/settings/privacy");

        await Page.GetByLabel("Contact's phone number").FillAsync("(415) 555-0199");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Forget…" }).ClickAsync();

        var confirm = Page.GetByRole(AriaRole.Region, new() { Name = "Forget this contact?" });
        await Expect(confirm).ToContainTextAsync("2 texts and 1 last-text entries will be deleted");
        await Expect(confirm).ToContainTextAsync("1 call records will lose the number");
        Assert.Equal(["Dial"], (await CallAsync(Contact, GroupNumber)).Verbs);
        await PanelBrowser.ScreenshotAsync(Page, "privacy");

        await confirm.GetByRole(AriaRole.Button, new() { Name = "Forget this contact" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync(
            "forgotten: 2 texts and 1 last-text entries deleted, 2 call records kept without the number");
        await Expect(Page.GetByRole(AriaRole.Status)).Not.ToContainTextAsync("555-0199");
        Assert.Equal(["Reject"], (await CallAsync(Contact, GroupNumber)).Verbs);
        Assert.DoesNotContain("+14155550199", Page.Url);
    }
}
