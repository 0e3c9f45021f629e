using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.Panel;

/// <summary>
/// The call options in a real Chromium: every control changed by clicking and typing, then proven by the TwiML that
/// a signed webhook gets.
/// </summary>
[Trait("Database", "sqlite")]
public sealed class CallOptionsPanelTests(PanelBrowser browser) : PanelTest(browser)
{
    private const string InboxNumber = "+14155550102";
    private const string AlicePhone = "+14155550111";
    private const string Fallback = "+14155550133";

    private long _inbox;
    private long _alice;

    protected override async Task ArrangeAsync()
    {
        _inbox = await Org.CreateInboxAsync("Help Line");
        _alice = await Org.CreateAgentAsync("Alice", AlicePhone, email: "alice@example.org");
        await Org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await Org.TextAsync(
            _alice,
            Contact,
            GroupNumber,
            App.Clock.GetUtcNow().AddHours(-3),
            contactName: "Maria Lopez");
    }

    private Task SaveAsync() => Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

    private async Task OpenOrganizationOptionsAsync()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Call options" }).ClickAsync();
    }

    private async Task OpenGroupOptionsAsync()
    {
        await Page.SignInAsync(AdminEmail);
        await GoToGroupOptionsAsync();
    }

    private async Task GoToGroupOptionsAsync()
    {
        await Page.GoAsync("Groups");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Field Team" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Call options" }).ClickAsync();
    }

    private async Task<TwiMLAnswer> AgentDoesNotAnswerAsync()
    {
        var call = await App.Provider().CallAsync(Contact, GroupNumber);
        return await call.DialEndsAsync("no-answer", bridged: false);
    }

    [Fact]
    public async Task VoicemailIsTurnedOnForTheOrganizationAndOffForAGroupInThePanel()
    {
        await OpenOrganizationOptionsAsync();
        await Expect(Page.GetByLabel("No voicemail: hang up after the message")).ToBeCheckedAsync();
        await Page.GetByLabel("Ask the caller to leave a message").CheckAsync();
        await Page.GetByLabel("Longest message (seconds)").FillAsync("60");
        await Page.GetByLabel("Transcribe the message").CheckAsync();
        await Page.GetByLabel("Keep recordings for (days)").FillAsync("30");
        await SaveAsync();
        await Page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(Page, "call-options-voicemail");

        var options = await Org.Admin.GetFromJsonAsync<JsonObject>($"{Org.Path}/call-options");
        Assert.Equal(30, options!["voicemailRetentionDays"]!.GetValue<int>());
        var heard = await AgentDoesNotAnswerAsync();
        Assert.Equal("60", heard.Attribute("Record", "maxLength"));
        Assert.Equal("true", heard.Attribute("Record", "transcribe"));

        await GoToGroupOptionsAsync();
        await Expect(Page.GetByLabel("Follow the organization's voicemail")).ToBeCheckedAsync();
        await Expect(Page.Locator("#VoicemailMode-follow-hint"))
            .ToContainTextAsync("on, messages up to 60 seconds, transcribed");
        await Page.GetByLabel("No voicemail: hang up after the message").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();

        Assert.Null((await AgentDoesNotAnswerAsync()).Find("Record"));
    }

    [Fact]
    public async Task OrganizationFallbackNumberAndSpokenMessageAreSetInThePanel()
    {
        await OpenOrganizationOptionsAsync();
        await Expect(Page.GetByLabel("Play the unavailable message, then hang up")).ToBeCheckedAsync();
        await Expect(Page.GetByLabel("Stock message")).ToBeCheckedAsync();

        await Page.GetByLabel("Speak these words").CheckAsync();
        await Page.GetByLabel("Words to speak").FillAsync("Lo sentimos, no hay nadie disponible.");
        await Page.GetByLabel("Voice (optional)").FillAsync("Polly.Lupe");
        await Page.GetByLabel("Language (optional)").FillAsync("es-US");
        await SaveAsync();
        await Page.ExpectSavedAsync();

        var heard = await AgentDoesNotAnswerAsync();
        Assert.Equal("Lo sentimos, no hay nadie disponible.", heard.Text("Say"));
        Assert.Equal("Polly.Lupe", heard.Attribute("Say", "voice"));
        Assert.Equal("es-US", heard.Attribute("Say", "language"));

        await Page.GetByLabel("Forward the call to this phone number").CheckAsync();
        await Page.GetByLabel("Fallback phone number").FillAsync("(415) 555-0133");
        await SaveAsync();
        await Page.ExpectSavedAsync();
        await PanelBrowser.ScreenshotAsync(Page, "call-options");

        Assert.Equal(Fallback, (await AgentDoesNotAnswerAsync()).Text("Number"));
        await Expect(Page.GetByLabel("Fallback phone number")).ToHaveValueAsync(Fallback);
    }

    [Fact]
    public async Task BadFallbackNumberAndVoiceAreRefusedBesideTheirFieldsWithTheInputKept()
    {
        await OpenOrganizationOptionsAsync();

        await Page.GetByLabel("Forward the call to this phone number").CheckAsync();
        await Page.GetByLabel("Fallback phone number").FillAsync("not a number");
        await Page.GetByLabel("Speak these words").CheckAsync();
        await Page.GetByLabel("Words to speak").FillAsync("Hello");
        await Page.GetByLabel("Voice (optional)").FillAsync("<script>");
        await SaveAsync();

        await Expect(Page.Locator("#FallbackForwardTo-error")).ToContainTextAsync("not a valid phone number");
        await Expect(Page.Locator("#MessageVoice-error")).ToContainTextAsync("voice name");
        await Expect(Page.GetByLabel("Fallback phone number")).ToHaveValueAsync("not a number");
        await Expect(Page.GetByLabel("Fallback phone number")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(["Say", "Hangup"], (await AgentDoesNotAnswerAsync()).Verbs);
    }

    [Fact]
    public async Task ContactNameCheckboxAndMaximumAgeChangeWhatTheAgentHearsAndWhoIsRung()
    {
        await OpenOrganizationOptionsAsync();
        await Expect(Page.GetByLabel("Say the contact's name to the agent")).ToBeCheckedAsync();
        var before = await (await App.Provider().CallAsync(Contact, GroupNumber)).AgentAnswersAsync();
        Assert.Contains("Maria Lopez", before.Text("Say"));

        await Page.GetByLabel("Say the contact's name to the agent").UncheckAsync();
        await Page.GetByLabel("Forget conversations older than (days)").FillAsync("1");
        await SaveAsync();
        await Page.ExpectSavedAsync();

        var after = await (await App.Provider().CallAsync(Contact, GroupNumber)).AgentAnswersAsync();
        Assert.DoesNotContain("Maria", after.Text("Say"));
        App.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["Reject"], (await CallAsync(Contact, GroupNumber)).Verbs);
        await Expect(Page.GetByLabel("Forget conversations older than (days)")).ToHaveValueAsync("1");
    }

    [Fact]
    public async Task GroupFallbackRecordingAndRejectionWithAMessageAreSetInThePanel()
    {
        await OpenGroupOptionsAsync();
        await Expect(Page.GetByLabel("Follow organization setting")).ToBeCheckedAsync();
        await Expect(Page.GetByText("The organization's fallback is now: the caller hears the unavailable message"))
            .ToBeVisibleAsync();

        await Page.GetByLabel("Forward the call to this phone number").CheckAsync();
        await Page.GetByLabel("Fallback phone number").FillAsync(Fallback);
        await Page.GetByLabel("Play a recording").CheckAsync();
        await Page.GetByLabel("Recording URL").FillAsync("https://media.example.org/field-team.mp3");
        await Page.GetByLabel("Play the message, then hang up, instead of rejecting silently").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();

        Assert.Equal(Fallback, (await AgentDoesNotAnswerAsync()).Text("Number"));
        var stranger = await CallAsync("+14155550188", GroupNumber);
        Assert.Equal(["Play", "Hangup"], stranger.Verbs);
        Assert.Equal("https://media.example.org/field-team.mp3", stranger.Text("Play"));

        await Page.GetByLabel("Play the unavailable message, then hang up").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();
        Assert.Equal(["Play", "Hangup"], (await AgentDoesNotAnswerAsync()).Verbs);
    }

    [Fact]
    public async Task MembersAreAddedAndRemovedInThePanelAndMembersOnlyStopsARemovedAgentsCalls()
    {
        await OpenGroupOptionsAsync();
        await Expect(Page.GetByText("No members yet.")).ToBeVisibleAsync();

        await Page.GetByLabel("Add an agent").SelectOptionAsync(new SelectOptionValue { Label = "Alice" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add to group" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Added to the group");
        await Page.GetByLabel("Only members of this group take its calls").CheckAsync();
        await Page.GetByLabel("Forward the call to this phone number").CheckAsync();
        await Page.GetByLabel("Fallback phone number").FillAsync(Fallback);
        await SaveAsync();
        await Page.ExpectSavedAsync();
        Assert.Equal(AlicePhone, (await CallAsync(Contact, GroupNumber)).Text("Number"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove Alice from the group" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Removed from the group");

        Assert.Equal(Fallback, (await CallAsync(Contact, GroupNumber)).Text("Number"));
        var members = await Org.Admin.GetFromJsonAsync<JsonArray>($"{Org.Path}/groups/{Group}/members");
        Assert.Empty(members!);
    }

    [Fact]
    public async Task InboxCallOptionsFromItsMenuSayAMessageInsteadOfASilentReject()
    {
        await Page.SignInAsync(AdminEmail);
        Assert.Equal(["Reject"], (await CallAsync(Contact, InboxNumber)).Verbs);

        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        await Page.GetByLabel("More actions for Help Line").ClickAsync();
        await Page.Locator("details.menu").GetByRole(AriaRole.Link, new() { Name = "Call options" }).ClickAsync();
        await Expect(Page.GetByLabel("Organization's message")).ToBeCheckedAsync();
        await Page.GetByLabel("Speak these words").CheckAsync();
        await Page.GetByLabel("Words to speak").FillAsync("This line takes texts only.");
        await Page.GetByLabel("Play the message, then hang up, instead of rejecting silently").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();

        var answer = await CallAsync(Contact, InboxNumber);
        Assert.Equal(["Say", "Hangup"], answer.Verbs);
        Assert.Equal("This line takes texts only.", answer.Text("Say"));
    }

    [Fact]
    public async Task GroupLanguageAndRingTheTeamAreSetInThePanel()
    {
        await OpenGroupOptionsAsync();
        await Expect(Page.GetByLabel("Off", new() { Exact = true })).ToBeCheckedAsync();

        await Page.GetByLabel("Language of Switchboard's words").SelectOptionAsync("es-US");
        await Page.GetByLabel("Ring them one after another").CheckAsync();
        await Page.GetByLabel("Ring each for (seconds)").FillAsync("30");
        await SaveAsync();
        await Page.ExpectSavedAsync();

        var options = await TestOrganization.ReadAsync(
            await Org.Admin.GetAsync($"{Org.Path}/groups/{Group}/call-options"));
        Assert.Equal("inTurn", options["ringTeam"]!["mode"]!.GetValue<string>());
        Assert.Equal(30, options["ringTeam"]!["ringSeconds"]!.GetValue<int>());
        Assert.Equal("es-US", options["effective"]!["language"]!.GetValue<string>());
        var prompt = await (await App.Provider().CallAsync(Contact, GroupNumber)).AgentAnswersAsync();
        Assert.Equal("es-US", prompt.Attribute("Say", "language"));
        await Expect(Page.GetByLabel("Ring them one after another")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task OrganizationRejectsFailedVerificationFromThePanel()
    {
        await OpenOrganizationOptionsAsync();
        await Expect(Page.GetByLabel("Language of Switchboard's words")).ToHaveValueAsync("en-US");

        await Page.GetByLabel("Reject calls whose caller verification failed").CheckAsync();
        await SaveAsync();
        await Page.ExpectSavedAsync();

        Assert.Equal(
            ["Reject"],
            (await App.Provider().CallAsync(Contact, GroupNumber, stirVerstat: "TN-Validation-Failed")).Answer.Verbs);
        Assert.Equal(
            ["Dial"],
            (await App.Provider().CallAsync(Contact, GroupNumber, stirVerstat: "TN-Validation-Passed-A")).Answer.Verbs);
    }

    [Fact]
    public async Task AnAdminBlocksAndUnblocksACallerInThePanel()
    {
        await Page.SignInAsync(AdminEmail);
        await Page.GoAsync("Settings");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Blocked callers" }).ClickAsync();
        await Expect(Page.GetByText("Nobody is blocked.")).ToBeVisibleAsync();

        await Page.GetByLabel("Caller's number").FillAsync("(415) 555-0199");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Block", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("+14155550199 is blocked");
        Assert.Equal(["Reject"], (await App.Provider().CallAsync(Contact, GroupNumber)).Answer.Verbs);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Unblock +14155550199" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("no longer blocked");
        Assert.Equal(["Dial"], (await App.Provider().CallAsync(Contact, GroupNumber)).Answer.Verbs);
    }
}
