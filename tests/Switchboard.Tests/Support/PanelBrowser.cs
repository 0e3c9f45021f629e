using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Switchboard.Tests.Support;

/// <summary>
/// One headless Chromium (found by <see cref="ChromiumFinder"/>) driven by Playwright, shared by the tests of a class.
/// Each test starts its own app on a loopback port (<see cref="StartAsync"/>) and opens its own browser contexts (their
/// own cookies).
/// </summary>
public sealed class PanelBrowser : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    /// <summary>
    /// How long a browser step (a click, a page's load) may take before the test fails. Pages answer in milliseconds
    /// alone; beside a full parallel run on two cores, a page's load once took over 15 s in a suite run.
    /// </summary>
    public const float StepTimeoutMs = 45_000;

    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Starts the real app on Kestrel at a free loopback port; returns its base URL.</summary>
    public static string Start(SwitchboardApp app)
    {
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task InitializeAsync()
    {
        var chromium = ChromiumFinder.Search();
        if (chromium.Executable is null)
        {
            throw new InvalidOperationException(chromium.Explain());
        }

        // Expectations wait as long as steps do (Playwright's own default is 5 s).
        Assertions.SetDefaultExpectTimeout(StepTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium.Executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }

    /// <summary>A fresh browser (no cookies) at a desktop size, or the given one.</summary>
    public async Task<IPage> OpenAsync(string baseUrl, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(StepTimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A new organization whose first admin the operator creates through the API, with a panel password.
    /// </summary>
    public static async Task<TestOrganization> OrganizationWithAdminAsync(
        SwitchboardApp app,
        string email,
        string name = "Acme Texting")
    {
        var org = await TestOrganization.CreateAsync(app, name);
        await TestOrganization.ReadAsync(await app.Operator().PostAsJsonAsync($"{org.Path}/panel-users",
            new { name = "Ada Admin", email, role = "admin", password = Password }));
        return org;
    }

    /// <summary>An agent of the organization with a panel password, set by its admin through the API.</summary>
    public static async Task<long> AgentWithSignInAsync(TestOrganization org, string name, string email, string? phone)
    {
        var agent = await TestOrganization.ReadAsync(await org.Admin.PostAsJsonAsync($"{org.Path}/panel-users",
            new { name, email, phone, role = "agent", password = Password }));
        return agent["agent"]!["id"]!.GetValue<long>();
    }

    /// <summary>
    /// Saves a picture of the page for the docs (docs/panel.md), under docs/screenshots/ of the repository.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var folder = Path.Combine(RepositoryFiles.Root(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(
            new PageScreenshotOptions
            {
                Path = Path.Combine(folder, $"{name}.png"),
                FullPage = fullPage,
                Animations = ScreenshotAnimations.Disabled,
            });
    }
}
