using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The admin deletes an agent and a number in a real headless Chromium, each only once a box saying what happens is
/// ticked; the effect is proven where a user meets it: the list, the sign-in page, and the TwiML a signed webhook gets.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class AgentAndNumberDeletePanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string CarolEmail = "carol@example.org";
    private const string CarolPhone = "+14155550113";
    private const string FallbackPhone = "+14155550144";

    private long _carol;

    protected override async Task ArrangeAsync()
    {
        _carol = await PanelBrowser.AgentWithSignInAsync(Org, "Carol", CarolEmail, CarolPhone);
        await Org.TextAsync(_carol, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-30));
        await Org.SetAsync("/call-options", new { fallback = new { mode = "forward", forwardTo = FallbackPhone } });
    }

    [Fact]
    public async Task AdminDeletesAnAgentOnceConfirmedAndTheyVanishCannotSignInAndTheirContactsReachTheFallback()
    {
        var carol = await Browser.OpenAsync(BaseUrl);
        await carol.SignInAsync(CarolEmail);
        await Expect(carol.GetByText("Carol · Acme Texting")).ToBeVisibleAsync();
        var carolsKey = await Org.AgentClientAsync(_carol);
        Assert.Equal(HttpStatusCode.OK, (await carolsKey.GetAsync($"{Org.Path}/agents/{_carol}")).StatusCode);
        Assert.Equal(CarolPhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync($"/panel/agents/{_carol}");
        await Expect(Page.Locator("label[for=Confirm]"))
            .ToContainTextAsync("their panel sign-in and the API keys issued to them stop working at once");
        await PanelBrowser.ScreenshotAsync(Page, "agent-delete");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete agent" }).ClickAsync();
        await Expect(Page.GetByText("Tick the box to confirm the deletion.")).ToBeVisibleAsync();
        Assert.Equal(CarolPhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        await Page.GetByLabel("Delete “Carol”").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete agent" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Agent “Carol” deleted.");
        Assert.EndsWith("/panel/agents", Page.Url);
        await Expect(Page.GetByRole(AriaRole.Cell, new() { Name = "Carol", Exact = true })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Cell, new() { Name = "Ada Admin", Exact = true })).ToHaveCountAsync(1);
        Assert.Equal(FallbackPhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        await carol.ReloadAsync();
        await Expect(carol).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in"));
        await carol.SignInAsync(CarolEmail);
        await Expect(carol).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/panel/sign-in"));
        await Expect(carol.GetByText("Carol · Acme Texting")).ToHaveCountAsync(0);
        await carol.Context.CloseAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await carolsKey.GetAsync($"{Org.Path}/agents/{_carol}")).StatusCode);

        var audit = (await Org.Admin.GetJsonAsync($"{Org.Path}/audit?entityType=agent&entityId={_carol}"))["items"]!
            .AsArray();
        var deleted = audit.Single(e => e!["changes"]!
            .ToJsonString()
            .Contains("DeletedAt", StringComparison.OrdinalIgnoreCase))!;
        Assert.Equal(
            ("panelUser", "Ada Admin"),
            (deleted["actor"]!["kind"]!.GetValue<string>(), deleted["actor"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TheOnlyAdminCannotDeleteThemselvesAndStaysSignedIn()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/agents");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change Ada Admin" }).ClickAsync();

        await Page.GetByLabel("Delete “Ada Admin”").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete agent" }).ClickAsync();

        await Expect(Page.Locator("#Confirm-error")).ToHaveTextAsync(
            "You are the organization's only active admin: make another agent an admin before deleting yourself.");
        await Page.GotoAsync("/panel/agents");
        await Expect(Page.GetByRole(AriaRole.Cell, new() { Name = "Ada Admin", Exact = true })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AdminDeletesANumberOnceConfirmedAndTheNextCallToItIsRejected()
    {
        Assert.Equal(["Dial"], (await CallAsync(Contact, GroupNumber)).Verbs);
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/numbers");

        await Page.GetByText("Delete (415) 555-0100", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete number (415) 555-0100" }).ClickAsync();
        await Expect(Page.GetByText("Tick the box to confirm the deletion.")).ToBeVisibleAsync();
        Assert.Equal(["Dial"], (await CallAsync(Contact, GroupNumber)).Verbs);
        await PanelBrowser.ScreenshotAsync(Page, "numbers-delete");

        await Page.GetByLabel("Delete (415) 555-0100: it is no longer routed").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete number (415) 555-0100" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync("(415) 555-0100 deleted: calls to it are rejected from now on.");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Save (415) 555-0100" })).ToHaveCountAsync(0);
        Assert.Equal(["Reject"], (await CallAsync(Contact, GroupNumber)).Verbs);

        var audit = (await Org.Admin.GetJsonAsync($"{Org.Path}/audit?entityType=number"))["items"]!.AsArray();
        Assert.Contains(
            audit,
            e => e!["action"]!.GetValue<string>() == "deleted"
                && e["actor"]!["kind"]!.GetValue<string>() == "panelUser");
    }

    [Fact]
    public async Task AnAgentCannotDeleteAnAgentOrANumberThroughThePanelForms()
    {
        var agents = (JsonArray)await Org.Admin.GetJsonAsync($"{Org.Path}/agents");
        var ada = agents.Single(a => a!["email"]!.GetValue<string>() == AdminEmail)!["id"]!.GetValue<long>();
        var carol = await Browser.OpenAsync(BaseUrl);
        await carol.SignInAsync(CarolEmail);
        await carol.GotoAsync("/panel/my-phone");

        var agent = await PostAsync(carol, $"/panel/agents/{ada}?handler=Delete", new() { ["Confirm"] = "true" });
        var number = await PostAsync(
            carol,
            "/panel/numbers?handler=Delete",
            new() { ["Remove"] = GroupNumber, ["Confirm"] = "true" });
        await carol.Context.CloseAsync();

        Assert.Equal((int)HttpStatusCode.Forbidden, agent.Status);
        Assert.Equal((int)HttpStatusCode.Forbidden, number.Status);
        Assert.Contains(
            ((JsonArray)await Org.Admin.GetJsonAsync($"{Org.Path}/agents")),
            a => a!["id"]!.GetValue<long>() == ada);
        Assert.Equal(CarolPhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));
    }

    /// <summary>Posts a form as the signed-in browser would, with the antiforgery token of the page it shows.</summary>
    private static async Task<IAPIResponse> PostAsync(IPage page, string action, Dictionary<string, string> fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        form.Set(
            "__RequestVerificationToken",
            (await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!);
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return await page.Context.APIRequest.PostAsync(action, new() { Form = form, MaxRedirects = 0 });
    }
}
