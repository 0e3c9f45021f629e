using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Platform numbers over HTTP: stored in E.164, at most one owner of the same organization, unique platform-wide.
/// </summary>
[Trait("Database", "yes")]
public sealed class NumbersApiTests : IAsyncLifetime
{
    private const string Number = "+14155550100";
    private const string EscapedNumber = "%2B14155550100";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TestOrganization _other = null!;
    private long _group;
    private long _inbox;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _other = await TestOrganization.CreateAsync(_app, "Other Org");
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task<HttpResponseMessage> PostAsync(TestOrganization org, object body) =>
        org.Admin.PostAsJsonAsync($"{org.Path}/numbers", body);

    private async Task<JsonArray> ListAsync(TestOrganization org) =>
        (await org.Admin.GetJsonAsync($"{org.Path}/numbers")).AsArray();

    private async Task<JsonNode?> FindAsync(TestOrganization org, string number) =>
        (await ListAsync(org)).SingleOrDefault(n => n!.Text("number") == number);

    [Fact]
    public async Task NumberWrittenAnyWayIsStoredInE164WithItsGroup()
    {
        var response = await PostAsync(_org, new { number = "+1 415 555 0100", groupId = _group });

        var created = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Number, created.Text("number"));
        Assert.Equal(_group, created["groupId"]!.GetValue<long>());
        Assert.Null(created["inboxId"]);
        Assert.EndsWith($"/numbers/{EscapedNumber}", response.Headers.Location?.OriginalString);
        var listed = await FindAsync(_org, Number);
        Assert.NotNull(listed);
        Assert.Equal(_group, listed["groupId"]!.GetValue<long>());
    }

    [Fact]
    public async Task NumberWithoutAnOwnerIsUnassigned()
    {
        var created = await TestOrganization.ReadAsync(await PostAsync(_org, new { number = "(415) 555-0100" }));

        Assert.Null(created["groupId"]);
        Assert.Null(created["inboxId"]);
    }

    [Fact]
    public async Task NumberGivenToBothAGroupAndAnInboxIsRefusedAndNotStored()
    {
        var response = await PostAsync(_org, new { number = Number, groupId = _group, inboxId = _inbox });

        var fields = await ErrorFieldsAsync(response);
        Assert.True(fields.Contains("groupId") || fields.Contains("inboxId"), string.Join(", ", fields));
        Assert.Empty(await ListAsync(_org));
    }

    [Theory]
    [InlineData("groupId")]
    [InlineData("inboxId")]
    public async Task OwnerFromAnotherOrganizationIsRefusedNamingItAndNotStored(string field)
    {
        var body = field == "groupId"
            ? (object)new { number = Number, groupId = await _other.CreateGroupAsync() }
            : new { number = Number, inboxId = await _other.CreateInboxAsync() };

        var response = await PostAsync(_org, body);

        Assert.Equal([field], await ErrorFieldsAsync(response));
        Assert.Empty(await ListAsync(_org));
        Assert.Empty(await ListAsync(_other));
    }

    [Fact]
    public async Task OwnerThatDoesNotExistIsRefusedNamingIt()
    {
        var response = await PostAsync(_org, new { number = Number, groupId = 999_999 });

        Assert.Equal(["groupId"], await ErrorFieldsAsync(response));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("555-0100")]
    [InlineData("the help line")]
    public async Task InvalidNumberIsRefusedNamingNumber(string? number)
    {
        var response = await PostAsync(_org, new { number, groupId = _group });

        Assert.Equal(["number"], await ErrorFieldsAsync(response));
        Assert.Empty(await ListAsync(_org));
    }

    [Fact]
    public async Task SameNumberTwiceInOneOrganizationIsAConflict()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        var response = await PostAsync(_org, new { number = "(415) 555-0100", inboxId = _inbox });

        await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(_group, (await FindAsync(_org, Number))!["groupId"]!.GetValue<long>());
    }

    [Fact]
    public async Task NumberOfAnotherOrganizationIsAConflictAndStaysTheirs()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        var response = await PostAsync(_other, new { number = "415.555.0100" });

        await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Empty(await ListAsync(_other));
        Assert.NotNull(await FindAsync(_org, Number));
    }

    [Fact]
    public async Task AgentsPersonalPhoneCannotBecomeAPlatformNumberOfTheirOrganization()
    {
        await _org.CreateAgentAsync("Alice", "+14155550111");

        var response = await PostAsync(_org, new { number = "+14155550111" });

        Assert.Equal(["number"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AddingANumberSaysNothingOfAnotherOrganizationsAgentsOrForwardTargets()
    {
        await _other.CreateAgentAsync("Bob", "+14155550111");
        await _other.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = "+14155550122" });

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_org, new { number = "+14155550111" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_org, new { number = "+14155550122" })).StatusCode);
        Assert.NotNull(await FindAsync(_org, "+14155550111"));
    }

    [Fact]
    public async Task NumberIsReassignedFromItsGroupToAnInboxByItsEscapedE164()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        var response = await _org.Admin.PatchAsJsonAsync(
            $"{_org.Path}/numbers/{EscapedNumber}",
            new { inboxId = _inbox });

        var answer = await TestOrganization.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_inbox, answer["inboxId"]!.GetValue<long>());
        Assert.Null(answer["groupId"]);
        var listed = await FindAsync(_org, Number);
        Assert.Equal(_inbox, listed!["inboxId"]!.GetValue<long>());
        Assert.Null(listed["groupId"]);
    }

    [Fact]
    public async Task NumberWithNoOwnerInThePatchBecomesUnassigned()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        await TestOrganization.ReadAsync(
            await _org.Admin.PatchAsJsonAsync($"{_org.Path}/numbers/{EscapedNumber}", new { }));

        var listed = await FindAsync(_org, Number);
        Assert.Null(listed!["groupId"]);
        Assert.Null(listed["inboxId"]);
    }

    [Fact]
    public async Task ReassigningToBothOwnersIsRefusedAndKeepsTheOldOwner()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        var response = await _org.Admin.PatchAsJsonAsync(
            $"{_org.Path}/numbers/{EscapedNumber}",
            new { groupId = _group, inboxId = _inbox });

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(_group, (await FindAsync(_org, Number))!["groupId"]!.GetValue<long>());
    }

    [Fact]
    public async Task ReassigningToAGroupOfAnotherOrganizationIsRefusedNamingGroupId()
    {
        await _org.AddNumberAsync(Number, groupId: _group);
        var theirGroup = await _other.CreateGroupAsync();

        var response = await _org.Admin.PatchAsJsonAsync(
            $"{_org.Path}/numbers/{EscapedNumber}",
            new { groupId = theirGroup });

        Assert.Equal(["groupId"], await ErrorFieldsAsync(response));
        Assert.Equal(_group, (await FindAsync(_org, Number))!["groupId"]!.GetValue<long>());
    }

    [Fact]
    public async Task NumberOfAnotherOrganizationCannotBeReassignedOrDeletedFromHere()
    {
        await _other.AddNumberAsync(Number);

        var patch = await _org.Admin.PatchAsJsonAsync($"{_org.Path}/numbers/{EscapedNumber}", new { groupId = _group });
        var delete = await _org.Admin.DeleteAsync($"{_org.Path}/numbers/{EscapedNumber}");

        await ProblemAsync(patch, HttpStatusCode.NotFound);
        await ProblemAsync(delete, HttpStatusCode.NotFound);
        var theirs = await FindAsync(_other, Number);
        Assert.NotNull(theirs);
        Assert.Null(theirs["groupId"]);
    }

    [Fact]
    public async Task DeletedNumberIsGoneAndFreeToRegisterAgain()
    {
        await _org.AddNumberAsync(Number, groupId: _group);

        var deleted = await _org.Admin.DeleteAsync($"{_org.Path}/numbers/{EscapedNumber}");
        var again = await _org.Admin.DeleteAsync($"{_org.Path}/numbers/{EscapedNumber}");
        var registered = await PostAsync(_other, new { number = Number });

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(_org));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    [Fact]
    public async Task UnknownNumberInThePathIsNotFound()
    {
        var patch = await _org.Admin.PatchAsJsonAsync($"{_org.Path}/numbers/%2B14155550199", new { groupId = _group });
        var garbage = await _org.Admin.DeleteAsync($"{_org.Path}/numbers/not-a-number");

        await ProblemAsync(patch, HttpStatusCode.NotFound);
        await ProblemAsync(garbage, HttpStatusCode.NotFound);
    }
}
