using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The Numbers page says, for each number, whether the provider sends its calls here; a number pointed elsewhere
/// shows a "Connect" button that points it back, which the fake provider's number then shows.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class NumberConnectionPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private FakeTwilioApi _twilio = null!;
    private string _sid = "";

    protected override async Task ConfigureAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(App);
        _sid = _twilio.AddIncomingNumber(FakeTwilioApi.AccountSid, GroupNumber);
    }

    protected override Task ArrangeAsync() => Task.CompletedTask;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task ANumberPointedElsewhereIsShownSoAndTheConnectButtonPointsItBack()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GotoAsync("/panel/numbers");
        await Expect(Page.Locator("[data-connection]")).ToContainTextAsync("Connected: its calls come to Switchboard");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Connect" })).ToHaveCountAsync(0);

        _twilio.IncomingNumbers[_sid] =
            _twilio.IncomingNumbers[_sid] with { VoiceUrl = "https://someone-else.example.org/voice" };
        var org = Org;
        Assert.Equal(
            "elsewhere",
            (await TestOrganization.ReadAsync(
                await org.Admin.PostAsync($"{org.Path}/numbers/%2B14155550100/check", null)))["connection"]!
                .GetValue<string>());
        await Page.ReloadAsync();
        await Expect(Page.Locator("[data-connection]")).ToContainTextAsync("Points elsewhere at the provider");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Connect" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status))
            .ToContainTextAsync("is connected: its calls come to Switchboard.");
        await Expect(Page.Locator("[data-connection]")).ToContainTextAsync("Connected");
        Assert.Equal(SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice", _twilio.IncomingNumbers[_sid].VoiceUrl);
    }
}
