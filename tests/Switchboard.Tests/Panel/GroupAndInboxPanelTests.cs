using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The admin renames and deletes a group and an inbox in a real headless Chromium; a deletion says what happens to the
/// numbers first.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class GroupAndInboxPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private long _inbox;

    protected override async Task ArrangeAsync()
    {
        await Org.AddNumberAsync("+14155550101", groupId: Group);
        _inbox = await Org.CreateInboxAsync("Help Line");
        await Org.AddNumberAsync("+14155550102", inboxId: _inbox);
    }

    [Fact]
    public async Task AdminRenamesAGroupThenDeletesItOnlyOnceConfirmedAndItsNumbersAreUnassigned()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync($"/panel/groups/{Group}/settings");

        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("Door Knockers");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Renamed to “Door Knockers”.");
        var confirm = Page.Locator("label[for=Confirm]");
        await Expect(confirm).ToContainTextAsync("its 2 numbers become unassigned and take no calls");
        await PanelBrowser.ScreenshotAsync(Page, "group-settings-delete");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();
        await Expect(Page.GetByText("Tick the box to confirm the deletion.")).ToBeVisibleAsync();
        await Page.GetByLabel("Delete “Door Knockers”").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync("Group “Door Knockers” deleted. Its 2 numbers are now unassigned.");
        Assert.EndsWith("/panel/groups", Page.Url);
        var numbers = (System.Text.Json.Nodes.JsonArray)await Api.ApiAnswers.GetJsonAsync(
            Org.Admin,
            $"{Org.Path}/numbers");
        Assert.Equal(2, numbers.Count(n => n!["groupId"] is null && n["inboxId"] is null));
    }

    [Fact]
    public async Task AdminDeletesAnInboxAndIsToldItsNumberIsUnassigned()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync($"/panel/settings/inboxes/{_inbox}/edit");

        await Page.GetByLabel("Delete “Help Line”").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete inbox" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync("Inbox “Help Line” deleted. Its number is now unassigned.");
        await Expect(Page.GetByRole(AriaRole.Group, new() { Name = "More actions for Help Line" })).ToHaveCountAsync(0);
        await Expect(Page.GetByText("More actions for Help Line")).ToHaveCountAsync(0);
        await Expect(Page.Locator("strong", new() { HasText = "Help Line" })).ToHaveCountAsync(0);
    }
}
