using System.Net;
using System.Net.Http.Json;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>The inbound-calls setting of the organization, of a group and of an inbox, over HTTP.</summary>
[Trait("Database", "yes")]
public sealed class InboundCallSettingsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550200";
    private const string OtherOrganizationsNumber = "+14155550900";
    private const string Contact = "+14155550199";
    private const string PreviousTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _other.AddNumberAsync(OtherOrganizationsNumber);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private string PathOf(string level) => _org.Path + level switch
    {
        "organization" => "/inbound-calls",
        "group" => $"/groups/{_group}/inbound-calls",
        "inbox" => $"/inboxes/{_inbox}/inbound-calls",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    private Task<HttpResponseMessage> PutAsync(string level, object body) =>
        _org.Admin.PutAsJsonAsync(PathOf(level), body);

    private async Task ForwardToPreviousTargetAsync(string level) =>
        await TestOrganization.ReadAsync(await PutAsync(level, new { mode = "forward", forwardTo = PreviousTarget }));

    private async Task AssertStillForwardsToPreviousTargetAsync(string level)
    {
        var setting = await _org.Admin.GetJsonAsync(PathOf(level));
        Assert.Equal("forward", setting.Text("mode"));
        Assert.Equal(PreviousTarget, setting.TextOrNull("forwardTo"));
    }

    [Fact]
    public async Task DefaultsAreLastAgentThenFollowOrganizationShowingItsSettingThenReject()
    {
        var organization = await _org.Admin.GetJsonAsync(PathOf("organization"));
        var group = await _org.Admin.GetJsonAsync(PathOf("group"));
        var inbox = await _org.Admin.GetJsonAsync(PathOf("inbox"));

        Assert.Equal("lastAgent", organization.Text("mode"));
        Assert.Null(organization.TextOrNull("forwardTo"));
        Assert.Equal("followOrganization", group.Text("mode"));
        Assert.Null(group.TextOrNull("forwardTo"));
        Assert.Equal("lastAgent", group["effective"]!.Text("mode"));
        Assert.Equal("reject", inbox.Text("mode"));
        Assert.Null(inbox.TextOrNull("forwardTo"));
    }

    [Theory]
    [InlineData("organization")]
    [InlineData("group")]
    [InlineData("inbox")]
    public async Task ForwardTargetWrittenAnyWayIsStoredInE164(string level)
    {
        var response = await PutAsync(level, new { mode = "forward", forwardTo = "(415) 555-0100" });

        var answer = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+14155550100", answer.TextOrNull("forwardTo"));
        var stored = await _org.Admin.GetJsonAsync(PathOf(level));
        Assert.Equal("forward", stored.Text("mode"));
        Assert.Equal("+14155550100", stored.TextOrNull("forwardTo"));
    }

    [Fact]
    public async Task GroupThatFollowsTheOrganizationShowsTheOrganizationsForwardAsEffective()
    {
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = "415.555.0100" });

        var group = await _org.Admin.GetJsonAsync(PathOf("group"));

        Assert.Equal("followOrganization", group.Text("mode"));
        Assert.Equal("forward", group["effective"]!.Text("mode"));
        Assert.Equal("+14155550100", group["effective"]!.TextOrNull("forwardTo"));
    }

    [Fact]
    public async Task GroupWithItsOwnSettingShowsItAsEffectiveWhateverTheOrganizationSays()
    {
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = "+14155550100" });

        var answer = await TestOrganization.ReadAsync(await PutAsync("group", new { mode = "lastAgent" }));

        Assert.Equal("lastAgent", answer.Text("mode"));
        Assert.Equal("lastAgent", answer["effective"]!.Text("mode"));
        Assert.Null(answer["effective"]!.TextOrNull("forwardTo"));
    }

    [Theory]
    [InlineData("organization")]
    [InlineData("group")]
    [InlineData("inbox")]
    public async Task ForwardWithoutForwardToIsRefusedNamingForwardToAndNothingChanges(string level)
    {
        await ForwardToPreviousTargetAsync(level);

        var response = await PutAsync(level, new { mode = "forward" });

        Assert.Equal(["forwardTo"], await ErrorFieldsAsync(response));
        await AssertStillForwardsToPreviousTargetAsync(level);
    }

    [Theory]
    [InlineData("organization", "555-0100")]
    [InlineData("organization", "forward it to Bob")]
    [InlineData("group", "+1 415 555 01")]
    [InlineData("group", "   ")]
    [InlineData("inbox", "+1 415 555 0100 0100 0100")]
    [InlineData("inbox", "+999 123")]
    public async Task InvalidForwardToIsRefusedNamingForwardToAndNothingChanges(string level, string forwardTo)
    {
        await ForwardToPreviousTargetAsync(level);

        var response = await PutAsync(level, new { mode = "forward", forwardTo });

        Assert.Equal(["forwardTo"], await ErrorFieldsAsync(response));
        await AssertStillForwardsToPreviousTargetAsync(level);
    }

    [Theory]
    [InlineData("organization", "(415) 555-0200")]
    [InlineData("group", "+1 415 555 0200")]
    [InlineData("inbox", "4155550200")]
    [InlineData("organization", "(415) 555-0900")]
    [InlineData("group", "+14155550900")]
    [InlineData("inbox", "415-555-0900")]
    public async Task ForwardingToAPlatformNumberOfAnyOrganizationIsRefusedAsALoop(string level, string forwardTo)
    {
        await ForwardToPreviousTargetAsync(level);

        var response = await PutAsync(level, new { mode = "forward", forwardTo });

        Assert.Equal(["forwardTo"], await ErrorFieldsAsync(response));
        await AssertStillForwardsToPreviousTargetAsync(level);
    }

    [Theory]
    [InlineData("organization", "reject")]
    [InlineData("organization", "followOrganization")]
    [InlineData("organization", "")]
    [InlineData("group", "reject")]
    [InlineData("group", "sometimes")]
    [InlineData("inbox", "lastAgent")]
    [InlineData("inbox", "followOrganization")]
    public async Task ModeThatTheLevelDoesNotHaveIsRefusedNamingModeAndNothingChanges(string level, string mode)
    {
        await ForwardToPreviousTargetAsync(level);

        var response = await PutAsync(level, new { mode, forwardTo = "+14155550100" });

        Assert.Equal(["mode"], await ErrorFieldsAsync(response));
        await AssertStillForwardsToPreviousTargetAsync(level);
    }

    [Fact]
    public async Task MissingModeIsRefusedNamingMode()
    {
        var response = await PutAsync("organization", new { forwardTo = "+14155550100" });

        Assert.Equal(["mode"], await ErrorFieldsAsync(response));
        Assert.Equal("lastAgent", (await _org.Admin.GetJsonAsync(PathOf("organization"))).Text("mode"));
    }

    [Fact]
    public async Task ModeOfTheWrongJsonTypeIsRefusedNamingMode()
    {
        var response = await _org.Admin.SendRawAsync(
            HttpMethod.Put,
            PathOf("organization"),
            """{"mode": 1, "forwardTo": "+14155550100"}""");

        Assert.Equal(["mode"], await ErrorFieldsAsync(response));
    }

    [Theory]
    [InlineData("organization", """{"mode": "lastAgent", """)]
    [InlineData("group", """{"mode": "lastAgent"}}""")]
    [InlineData("inbox", "mode=reject")]
    [InlineData("group", "")]
    public async Task MalformedJsonIsABadRequestProblemAndNothingChanges(string level, string body)
    {
        await ForwardToPreviousTargetAsync(level);

        var response = await _org.Admin.SendRawAsync(HttpMethod.Put, PathOf(level), body);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertStillForwardsToPreviousTargetAsync(level);
    }

    [Fact]
    public async Task BodyThatIsNotJsonIsAnUnsupportedMediaTypeProblem()
    {
        var response = await _org.Admin.SendRawAsync(
            HttpMethod.Put,
            PathOf("organization"),
            "mode=forward",
            "application/x-www-form-urlencoded");

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("lastAgent", (await _org.Admin.GetJsonAsync(PathOf("organization"))).Text("mode"));
    }

    [Theory]
    [InlineData("organization")]
    [InlineData("group")]
    public async Task ChoosingLastAgentAfterForwardDropsTheForwardTarget(string level)
    {
        await ForwardToPreviousTargetAsync(level);

        var answer = await TestOrganization.ReadAsync(
            await PutAsync(level, new { mode = "lastAgent", forwardTo = "+14155550100" }));

        Assert.Equal("lastAgent", answer.Text("mode"));
        Assert.Null(answer.TextOrNull("forwardTo"));
        Assert.Null((await _org.Admin.GetJsonAsync(PathOf(level))).TextOrNull("forwardTo"));
    }

    [Fact]
    public async Task InboxBackToRejectDropsTheForwardTarget()
    {
        await ForwardToPreviousTargetAsync("inbox");

        var answer = await TestOrganization.ReadAsync(await PutAsync("inbox", new { mode = "reject" }));

        Assert.Equal("reject", answer.Text("mode"));
        Assert.Null((await _org.Admin.GetJsonAsync(PathOf("inbox"))).TextOrNull("forwardTo"));
    }

    [Fact]
    public async Task ForwardTargetCannotThenBeRegisteredAsAPlatformNumberOfItsOrganization()
    {
        await ForwardToPreviousTargetAsync("inbox");

        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/numbers", new { number = PreviousTarget });

        Assert.Equal(["number"], await ErrorFieldsAsync(response));
        Assert.DoesNotContain(
            PreviousTarget,
            (await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray().Select(n => n!.Text("number")));
    }

    [Theory]
    [InlineData("groups")]
    [InlineData("inboxes")]
    public async Task SettingOfAGroupOrInboxOfAnotherOrganizationIsNotFoundAndUnchanged(string kind)
    {
        var theirs = kind == "groups" ? await _other.CreateGroupAsync() : await _other.CreateInboxAsync();

        var put = await _org.Admin.PutAsJsonAsync(
            $"{_org.Path}/{kind}/{theirs}/inbound-calls",
            new { mode = "forward", forwardTo = "+14155550100" });
        var get = await _org.Admin.GetAsync($"{_org.Path}/{kind}/{theirs}/inbound-calls");

        await ProblemAsync(put, HttpStatusCode.NotFound);
        await ProblemAsync(get, HttpStatusCode.NotFound);
        Assert.NotEqual(
            "forward",
            (await _other.Admin.GetJsonAsync($"{_other.Path}/{kind}/{theirs}/inbound-calls")).Text("mode"));
    }

    [Fact]
    public async Task OrganizationForwardIsWhatACallToAFollowingGroupDoes()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = "(415) 555-0100" });

        var call = await _app.Provider().CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal("+14155550100", call.Answer.Text("Number"));
    }
}
