using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// Opening hours (docs/hours.md) set in a real Chromium for the organization, a group and an inbox, then proven by
/// the TwiML a signed webhook gets and by routing/explain. The test clock stands at Tuesday 24 November 2026,
/// 12:00 UTC: 07:00 in New York, 04:00 in Los Angeles.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class HoursPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string InboxNumber = "+14155550102";
    private const string AlicePhone = "+14155550111";
    private const string AfterHoursNumber = "+14155550155";
    private const string InboxForward = "+14155550177";

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

    private long _inbox;

    protected override async Task ArrangeAsync()
    {
        _inbox = await Org.CreateInboxAsync("Help Line");
        await Org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await Org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = InboxForward });
        var alice = await Org.CreateAgentAsync("Alice", AlicePhone, email: "alice@example.org");
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddHours(-3));
    }

    private Task SaveAsync() => Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

    private ILocator State => Page.Locator("#hours-state");

    private ILocator Day(string day) => Page.GetByRole(AriaRole.Group, new() { Name = day, Exact = true });

    /// <summary>Types a window into a day's row (1 is the first; the last row of a day is blank).</summary>
    private async Task WindowAsync(string day, string open, string close, int window = 1)
    {
        var which = window == 1 ? day : $"{day}, window {window}";
        await Day(day).GetByLabel($"Opens on {which}", new() { Exact = true }).FillAsync(open);
        await Day(day).GetByLabel($"Closes on {which}", new() { Exact = true }).FillAsync(close);
    }

    private async Task OpenOrganizationHoursAsync()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Hours", Exact = true }).ClickAsync();
    }

    private async Task<JsonNode> ExplainAsync(string number) => await TestOrganization.ReadAsync(
        await Org.Admin.PostAsJsonAsync($"{Org.Path}/routing/explain", new { contact = Contact, number }));

    [Fact]
    public async Task OrganizationHoursSetInThePanelSendACallAfterHoursToTheAfterHoursMessage()
    {
        await OpenOrganizationHoursAsync();
        await Expect(State).ToHaveTextAsync("Open now — no hours are set, so calls are taken at any hour");
        await Expect(Page.GetByLabel("At any hour")).ToBeCheckedAsync();

        await Page.GetByLabel("Only during these hours").CheckAsync();
        await Page.GetByLabel("Time zone").SelectOptionAsync("America/New_York");
        foreach (var day in Weekdays)
        {
            await WindowAsync(day, "09:00", "17:00");
        }

        var christmas = Page.GetByRole(AriaRole.Group, new() { Name = "Add a date" });
        await christmas.GetByLabel("Date", new() { Exact = true }).FillAsync("2026-12-25");
        await Expect(Page.GetByLabel("Play the after-hours message, then hang up")).ToBeCheckedAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();

        await Expect(State).ToHaveTextAsync("Closed now — opens at 09:00 (America/New_York)");
        await Expect(Day("Saturday")).ToContainTextAsync("Closed all day.");
        await Expect(Page.GetByRole(AriaRole.Group, new() { Name = "2026-12-25" }).GetByLabel("That day"))
            .ToHaveValueAsync("closed");
        var closed = await CallAsync(Contact, GroupNumber);
        Assert.Equal(["Say", "Hangup"], closed.Verbs);
        Assert.Contains("We are closed right now", closed.Text("Say"));
        Assert.Equal("afterHours", (await Org.CallsAsync())[0]!["outcome"]!.GetValue<string>());

        App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero)); // 09:00 in New York
        await Page.ReloadAsync();
        await Expect(State).ToHaveTextAsync("Open now — closes at 17:00 (America/New_York)");
        await PanelBrowser.ScreenshotAsync(Page, "hours");
        Assert.Equal(AlicePhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        App.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 25, 15, 0, 0, TimeSpan.Zero)); // Friday 10:00, Christmas
        await OpenOrganizationHoursAsync(); // a month on, the sign-in has lapsed
        await Expect(State).ToHaveTextAsync("Closed now — opens Monday 09:00 (America/New_York)");
        Assert.Equal("afterHours", (await ExplainAsync(GroupNumber))["outcome"]!.GetValue<string>());

        await Page.GetByLabel("At any hour").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();
        await Expect(State).ToHaveTextAsync("Open now — no hours are set, so calls are taken at any hour");
        Assert.Equal(AlicePhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));
    }

    [Fact]
    public async Task AGroupsOwnHoursSetInThePanelForwardItsCallsAfterHoursUntilItFollowsTheOrganizationAgain()
    {
        await Org.SetAsync("/hours", new
        {
            timeZone = "America/New_York",
            weekly = Weekdays.Select(d => new { day = d.ToLowerInvariant(), open = "09:00", close = "17:00" }),
        });
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Groups");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Field Team" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Hours", Exact = true }).ClickAsync();
        await Expect(Page.GetByLabel("Follow organization setting")).ToBeCheckedAsync();
        await Expect(Page.GetByText("The organization's hours are now: Monday–Friday 09:00–17:00; "
            + "Saturday–Sunday closed (America/New_York); after hours: the caller hears the after-hours message."))
            .ToBeVisibleAsync();
        await Expect(State).ToHaveTextAsync(
            "Closed now — opens at 09:00 (America/New_York), by the organization's hours");
        await Expect(Page.GetByLabel("Time zone")).ToHaveValueAsync("America/New_York");

        await Page.GetByLabel("The group's own hours").CheckAsync();
        await Page.GetByLabel("Time zone").SelectOptionAsync("America/Los_Angeles");
        await WindowAsync("Monday", "", "");
        await WindowAsync("Tuesday", "10:00", "14:00");
        await WindowAsync("Tuesday", "18:00", "22:00", window: 2);
        await Page.GetByLabel("Forward the call to this phone number").CheckAsync();
        await Page.GetByLabel("After-hours phone number").FillAsync("(415) 555-0155");
        await SaveAsync();
        await Page.ExpectSavedAsync();

        await Expect(State).ToHaveTextAsync("Closed now — opens at 10:00 (America/Los_Angeles), by its own hours");
        await Expect(Page.GetByLabel("After-hours phone number")).ToHaveValueAsync(AfterHoursNumber);
        var forwarded = await CallAsync(Contact, GroupNumber);
        Assert.Equal(AfterHoursNumber, forwarded.Text("Number"));
        Assert.Equal(GroupNumber, forwarded.Attribute("Dial", "callerId"));
        var explained = await ExplainAsync(GroupNumber);
        Assert.Contains(explained["steps"]!.AsArray(),
            s => s!.GetValue<string>() == "Closed now: opens Tuesday 10:00 America/Los_Angeles (the group's hours)");
        var stored = await Org.Admin.GetFromJsonAsync<JsonObject>($"{Org.Path}/groups/{Group}/hours");
        Assert.Equal(
            [
                "tuesday 10:00–14:00", "tuesday 18:00–22:00", "wednesday 09:00–17:00", "thursday 09:00–17:00",
                "friday 09:00–17:00",
            ],
            stored!["weekly"]!.AsArray().Select(w => $"{w!["day"]} {w["open"]}–{w["close"]}"));

        App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 19, 0, 0, TimeSpan.Zero)); // 11:00 in Los Angeles
        await Page.ReloadAsync();
        await Expect(State).ToHaveTextAsync("Open now — closes at 14:00 (America/Los_Angeles), by its own hours");
        Assert.Equal(AlicePhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        await Page.GetByLabel("Follow organization setting").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();
        await Expect(State).ToHaveTextAsync(
            "Open now — closes at 17:00 (America/New_York), by the organization's hours");
        App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero)); // 18:00 in New York
        Assert.Equal(["Say", "Hangup"], (await CallAsync(Contact, GroupNumber)).Verbs);
    }

    [Fact]
    public async Task OverlappingWindowsAndAnUnknownZoneAreRefusedBesideTheirFieldsWithTheInputKept()
    {
        await OpenOrganizationHoursAsync();
        await Page.GetByLabel("Only during these hours").CheckAsync();
        await Page.GetByLabel("Time zone").SelectOptionAsync("America/New_York");
        await WindowAsync("Monday", "09:00", "17:00");
        await WindowAsync("Friday", "22:00", "02:00");
        await SaveAsync();
        await Page.ExpectSavedAsync();
        await Expect(Day("Friday")).ToContainTextAsync("Closes the next day.");

        await WindowAsync("Monday", "12:00", "18:00", window: 2);
        await WindowAsync("Saturday", "01:00", "05:00");
        var dates = Page.GetByRole(AriaRole.Group, new() { Name = "Add a date" });
        await dates.GetByLabel("Date", new() { Exact = true }).FillAsync("2026-12-24");
        await dates.GetByLabel("That day").SelectOptionAsync("open");
        await dates.GetByLabel("Opens on the new date").FillAsync("10:00");
        await Page.GetByLabel("Time zone").EvaluateAsync(
            "s => { s.add(new Option('Mars/Olympus', 'Mars/Olympus')); s.value = 'Mars/Olympus'; }");
        await SaveAsync();

        await Expect(Page.Locator(".form-error")).ToContainTextAsync("The hours were not saved: 4 fields need a look");
        await Expect(Page.Locator("#TimeZone-error")).ToHaveTextAsync(
            "The time zone must be an IANA time zone such as \"America/New_York\" or \"America/Los_Angeles\"");
        await Expect(Day("Monday").Locator(".row-error"))
            .ToHaveTextAsync(["", "This window must not overlap the opening on Monday 09:00–17:00", ""]);
        await Expect(Day("Saturday").Locator(".row-error").First)
            .ToHaveTextAsync("This window must not overlap the opening on Friday 22:00–02:00");
        var overlapping = Day("Monday").GetByLabel("Opens on Monday, window 2");
        await Expect(overlapping).ToHaveValueAsync("12:00");
        await Expect(overlapping).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByRole(AriaRole.Group, new() { Name = "2026-12-24" })
            .GetByText("The closing time must be a time of day")).ToBeVisibleAsync();

        await PanelBrowser.ScreenshotAsync(Page, "hours-refused");
        var stored = await Org.Admin.GetFromJsonAsync<JsonObject>($"{Org.Path}/hours");
        Assert.Equal(2, stored!["weekly"]!.AsArray().Count);
    }

    [Fact]
    public async Task AnInboxsOwnHoursAreSetFromItsMenuAndTheChangeIsAuditedAsThePanelUsers()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await Page.GetByLabel("More actions for Help Line").ClickAsync();
        await Page.Locator("details.menu").GetByRole(AriaRole.Link, new() { Name = "Hours" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Hours of inbox “Help Line”" }))
            .ToBeVisibleAsync();
        await Expect(State).ToHaveTextAsync("Open now — no hours are set, so calls are taken at any hour");
        Assert.Equal(InboxForward, (await CallAsync(Contact, InboxNumber)).Text("Number"));

        await Page.GetByLabel("The inbox's own hours").CheckAsync();
        await Page.GetByLabel("Time zone").SelectOptionAsync("Europe/Madrid");
        await WindowAsync("Tuesday", "15:00", "20:00");
        await SaveAsync();
        await Page.ExpectSavedAsync();

        await Expect(State).ToHaveTextAsync("Closed now — opens at 15:00 (Europe/Madrid), by its own hours");
        Assert.Equal(["Say", "Hangup"], (await CallAsync(Contact, InboxNumber)).Verbs);
        var audit = await Org.Admin.GetFromJsonAsync<JsonObject>($"{Org.Path}/audit?entityType=inbox");
        var change = audit!["items"]!.AsArray()
            .First(e => e!["changes"]!.AsArray().Any(c => c!["field"]!.GetValue<string>() == "hours"));
        Assert.Equal("Ada Admin", change!["actor"]!["name"]!.GetValue<string>());
        Assert.Contains("Europe/Madrid", change["changes"]!.ToJsonString());
    }
}
