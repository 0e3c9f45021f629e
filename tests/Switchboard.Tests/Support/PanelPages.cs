using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Support;

/// <summary>What a person does in the panel, in the words on the screen.</summary>
internal static class PanelPages
{
    public static async Task SignInAsync(this IPage page, string email, string password = PanelBrowser.Password)
    {
        await page.GotoAsync("/panel");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static Task GoAsync(this IPage page, string navigationLink) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = navigationLink, Exact = true })
            .ClickAsync();

    /// <summary>Picks an "Inbound calls" choice, types the number when it forwards, and saves.</summary>
    public static async Task ChooseInboundCallsAsync(this IPage page, string choice, string? phoneNumber = null)
    {
        await page.GetByLabel(choice, new() { Exact = true }).CheckAsync();
        if (phoneNumber is not null)
        {
            await page.GetByLabel("Phone number", new() { Exact = true }).FillAsync(phoneNumber);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
    }

    public static Task ExpectSavedAsync(this IPage page) =>
        Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
}
