using System.Net;
using Microsoft.Playwright;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ApiDocs;

/// <summary>
/// The API reference at /api/docs in a real browser: it shows the operations, everything it loads comes from
/// Switchboard, and the page's security policy lets exactly that run (a violation shows in the console).
/// </summary>
[Trait("Database", "sqlite")]
public sealed class ApiDocsPageTests(PanelBrowser browser) : IClassFixture<PanelBrowser>, IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private string _baseUrl = "";

    public Task InitializeAsync()
    {
        _baseUrl = PanelBrowser.Start(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TheReferenceShowsTheOperationsWithEverythingLoadedFromSwitchboard()
    {
        var page = await browser.OpenAsync(_baseUrl);
        var requested = new List<string>();
        var problems = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync("/api/docs");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Switchboard admin API" }))
            .ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Issue an API key; its secret is shown only in this answer").First)
            .ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Agents", new() { Exact = true }).First).ToBeVisibleAsync();

        Assert.Empty(problems);
        Assert.All(requested, url => Assert.True(
            url.StartsWith(_baseUrl, StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal),
            $"the reference loaded {url} from outside Switchboard"));
        Assert.Contains(requested, url => url.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePageNamesNoExternalAddressAndItsPolicyAdmitsOnlyItsOwnScripts()
    {
        var answer = await _app.CreateClient().GetAsync("/api/docs/");
        var html = await answer.Content.ReadAsStringAsync();
        var policy = answer.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.DoesNotMatch("(?i)(https?:)?//", html);
        Assert.Matches(@"script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;| )", policy);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);

        // Everywhere else the policies stay as they were: no script on the panel, nothing at all on the API.
        var panel = await _app.CreateClient().GetAsync("/panel/sign-in");
        Assert.Contains(
            "script-src 'none'",
            panel.Headers.GetValues("Content-Security-Policy").Single(),
            StringComparison.Ordinal);
        var api = await _app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(SecurityHeaders.DataPolicy, api.Headers.GetValues("Content-Security-Policy").Single());
    }
}
