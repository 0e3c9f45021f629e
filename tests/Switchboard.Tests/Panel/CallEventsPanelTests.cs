using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The admin sets where call events go and sees how they went, and calls a contact back from the call log, in a
/// real headless Chromium. The provider's REST API and the texting platform are local servers of the test.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class CallEventsPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string AlicePhone = "+14155550111";
    private const string Stranger = "+14155550197";

    private FakeTwilioApi _twilio = null!;
    private readonly EventReceiver _receiver = EventReceiver.Down();

    protected override async Task ConfigureAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(App);
        App.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        EventReceiver.AllowIn(App.Settings);
        await _receiver.UpAsync();
    }

    protected override async Task ArrangeAsync()
    {
        var alice = await Org.CreateAgentAsync("Alice", AlicePhone, email: "alice@example.org");
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-30));
    }

    [Fact]
    public async Task AdminSetsTheEventsUrlSeesTheSecretOnceAndEachDelivery()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Call events" }).ClickAsync();
        await Expect(Page.GetByText("No events yet.")).ToBeVisibleAsync();

        await Page.GetByLabel("Events URL").FillAsync(_receiver.Url);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Page.ExpectSavedAsync();
        var secret = await Page.Locator("#made-secret").TextContentAsync();
        Assert.StartsWith("sbwh_", secret);
        await CallAsync(Stranger, GroupNumber);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Call events" }).ClickAsync();
        await Expect(Page.Locator("#made-secret")).ToHaveCountAsync(0);
        await Expect(Page.GetByText($"ending in {secret![^4..]}")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Events URL")).ToHaveValueAsync(_receiver.Url);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_receiver.Taken.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        await Page.ReloadAsync();
        var row = Page.Locator("table.deliveries tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("call.rejected");
        await Expect(row).ToContainTextAsync("delivered");
        await Expect(row).ToContainTextAsync("HTTP 204");

        // The picture in docs/panel.md shows a URL and secret of its own, so that it is the same run after run.
        await Page.GetByLabel("Events URL").FillAsync("https://texting.example.org/switchboard/events");
        await Page.GetByLabel("Signing secret (optional)").FillAsync("texting-platform-secret-2026");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText("ending in 2026")).ToBeVisibleAsync();
        await PanelBrowser.ScreenshotAsync(Page, "call-events");
    }

    private async Task WaitForTakenAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_receiver.Taken.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Assert.Equal(count, _receiver.Taken.Count);
    }

    [Fact]
    public async Task AdminResendsADeliveredEventAndItArrivesAgainWithTheSameId()
    {
        await Org.SetAsync("/call-events", new { url = _receiver.Url });
        await CallAsync(Stranger, GroupNumber);
        await WaitForTakenAsync(1);
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/settings/call-events");

        await Page.Locator("table.deliveries tbody tr")
            .GetByRole(AriaRole.Button, new() { Name = "Resend" })
            .ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("will be sent again, with the same id");
        await WaitForTakenAsync(2);
        Assert.Single(_receiver.Taken.Select(t => t.EventId).Distinct());
    }

    [Fact]
    public async Task AdminReplaysTheEventsOfSomeDaysAndTooLongARangeIsRefusedBesideTheField()
    {
        await Org.SetAsync("/call-events", new { url = _receiver.Url });
        await CallAsync(Stranger, GroupNumber);
        await CallAsync("+14155550196", GroupNumber);
        await WaitForTakenAsync(2);
        var today = App.Clock.GetUtcNow().ToString("yyyy-MM-dd");
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/settings/call-events");

        await Page.GetByLabel("First day").FillAsync(App.Clock.GetUtcNow().AddDays(-40).ToString("yyyy-MM-dd"));
        await Page.GetByLabel("Last day").FillAsync(today);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await Expect(Page.GetByText("must be at most 31 days after from")).ToBeVisibleAsync();

        await Page.GetByLabel("First day").FillAsync(today);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync($"2 events raised from {today} to {today} will be sent again.");
        await WaitForTakenAsync(4);
        await PanelBrowser.ScreenshotAsync(Page, "call-events-replay");
    }

    [Fact]
    public async Task BadEventsUrlIsRefusedBesideTheField()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/settings/call-events");

        await Page.GetByLabel("Events URL").FillAsync("ftp://texting.example.org");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(Page.GetByText("ftp://texting.example.org is not an http(s) URL")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Events URL")).ToHaveValueAsync("ftp://texting.example.org");
    }

    [Fact]
    public async Task CallButtonInTheCallLogRingsTheAgentFromTheNumberThatTextedTheContact()
    {
        var answer = await CallAsync(Contact, GroupNumber);
        Assert.Equal(AlicePhone, answer.Text("Number"));
        await CallAsync(Stranger, GroupNumber);
        await Page.SignInAsync(AdminEmail);

        await Page.GoAsync("Call log");
        var calls = Page.Locator("table.calls tbody tr");
        await Expect(calls).ToHaveCountAsync(2);
        await Expect(calls.Nth(0).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await calls.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Call ***0199 as Alice" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync($"Calling Alice's phone now, from {GroupNumber}");
        var asked = Assert.Single(_twilio.Created);
        Assert.Equal(AlicePhone, asked.To);
        Assert.Equal(GroupNumber, asked.From);
        await Expect(Page.Locator("table.calls tbody tr")).ToHaveCountAsync(3);
        await PanelBrowser.ScreenshotAsync(Page, "call-log-call-button");
    }

    [Fact]
    public async Task AgentCallsBackOnlyTheirOwnContacts()
    {
        await CallAsync(Contact, GroupNumber);
        var bob = await PanelBrowser.AgentWithSignInAsync(Org, "Bob", "bob@example.org", "+14155550112");
        await Org.TextAsync(bob, Stranger, GroupNumber, App.Clock.GetUtcNow().AddMinutes(-1));
        await CallAsync(Stranger, GroupNumber);
        await Page.SignInAsync("bob@example.org");

        await Page.GoAsync("Call log");
        var calls = Page.Locator("table.calls tbody tr");
        await Expect(calls).ToHaveCountAsync(1);
        await calls.GetByRole(AriaRole.Button, new() { Name = "Call ***0197 as Bob" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Calling Bob's phone now");
        Assert.Equal("+14155550112", Assert.Single(_twilio.Created).To);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _twilio.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}
