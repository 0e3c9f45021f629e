using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Events;

/// <summary>
/// An admin asks for events again, one (resend) or every one raised in a range (replay), and a real local receiver
/// gets them again with the same id; each request is in the audit log.
/// </summary>
[Trait("Database", "yes")]
public sealed class ResendReplayTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";

    private readonly EventReceiver _receiver = EventReceiver.Down();
    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        _app.Settings["Switchboard:CallEvents:Timeout"] = "00:00:05";
        EventReceiver.AllowIn(_app.Settings);
        await _receiver.UpAsync();
        _org = await TestOrganization.CreateAsync(_app);
        await _org.AddNumberAsync(GroupNumber, groupId: await _org.CreateGroupAsync());
        await _org.SetAsync("/call-events", new { url = _receiver.Url });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    private async Task StrangerCallsAsync(int stranger) =>
        await _app.Provider().CallAsync($"+1415555{3000 + stranger}", GroupNumber);

    private async Task<JsonArray> DeliveriesAsync() =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/call-events/deliveries"))["items"]!.AsArray();

    private async Task<JsonArray> WaitForDeliveriesAsync(Func<JsonArray, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var deliveries = await DeliveriesAsync();
            if (done(deliveries))
            {
                return deliveries;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out; deliveries now: {deliveries.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    private static bool All(JsonArray deliveries, int count, string status) =>
        deliveries.Count == count && deliveries.All(d => d!.Text("status") == status);

    private Task<HttpResponseMessage> ResendAsync(string id) =>
        _org.Admin.PostAsync($"{_org.Path}/call-events/deliveries/{id}/resend", null);

    private Task<HttpResponseMessage> ReplayAsync(object body) =>
        _org.Admin.PostAsJsonAsync($"{_org.Path}/call-events/replay", body);

    private async Task<JsonArray> AuditAsync() =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType=callEvent"))["items"]!.AsArray();

    [Fact]
    public async Task DeliveredEventResentArrivesAgainWithTheSameIdAndIsAudited()
    {
        await StrangerCallsAsync(0);
        var id = (await WaitForDeliveriesAsync(d => All(d, 1, "delivered")))[0]!.Text("id");

        var resent = await TestOrganization.ReadAsync(await ResendAsync(id));
        var again = (await WaitForDeliveriesAsync(d => All(d, 1, "delivered")
            && d[0]!["attempts"]!.GetValue<int>() == 2))[0]!;

        Assert.Equal(id, resent.Text("id"));
        Assert.Equal("pending", resent.Text("status"));
        Assert.NotNull(again.TextOrNull("requeuedAt"));
        Assert.Equal([id, id], _receiver.Taken.Select(t => t.EventId));
        Assert.Single(_receiver.Taken.Select(t => JsonNode.Parse(t.Body)!["call"]!.ToJsonString()).Distinct());
        var audited = Assert.Single(await AuditAsync())!;
        Assert.Equal("resent", audited.Text("action"));
        Assert.Equal(id, audited.Text("entityId"));
        Assert.Equal("apiKey", audited["actor"]!.Text("kind"));
    }

    [Fact]
    public async Task FailedEventResentIsRetriedAgainFromTheResendNotGivenUpAtOnce()
    {
        _receiver.Refusing = HttpStatusCode.ServiceUnavailable;
        await StrangerCallsAsync(0);
        await WaitForDeliveriesAsync(d => d.Count == 1 && d[0]!["attempts"]!.GetValue<int>() >= 1);
        _app.Clock.Advance(TimeSpan.FromHours(25));
        var id = (await WaitForDeliveriesAsync(d => All(d, 1, "failed")))[0]!.Text("id");

        await TestOrganization.ReadAsync(await ResendAsync(id));
        var retried = (await WaitForDeliveriesAsync(d => d[0]!["attempts"]!.GetValue<int>() >= 3))[0]!;
        Assert.Equal("pending", retried.Text("status"));
        Assert.NotNull(retried.TextOrNull("nextAttemptAt"));

        _receiver.Refusing = null;
        _app.Clock.Advance(TimeSpan.FromHours(1));
        await WaitForDeliveriesAsync(d => All(d, 1, "delivered"));
        Assert.Equal([id], _receiver.Taken.Select(t => t.EventId));
    }

    [Fact]
    public async Task ResendRefusesAnEventStillWaitingAnUnknownOneAndOneOfAnotherOrganization()
    {
        await _receiver.DownAsync();
        await StrangerCallsAsync(0);
        var waiting = (await WaitForDeliveriesAsync(d => d.Count == 1 && d[0]!["attempts"]!.GetValue<int>() >= 1))[0]!
            .Text("id");
        var other = await TestOrganization.CreateAsync(_app, "Other Org");

        await ProblemAsync(await ResendAsync(waiting), HttpStatusCode.Conflict);
        await ProblemAsync(await ResendAsync(Guid.NewGuid().ToString()), HttpStatusCode.NotFound);
        await ProblemAsync(
            await other.Admin.PostAsync($"{other.Path}/call-events/deliveries/{waiting}/resend", null),
            HttpStatusCode.NotFound);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task ReplayQueuesAgainEveryEventRaisedInTheRangeAndOnlyThose()
    {
        var first = _app.Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await StrangerCallsAsync(i);
        }

        _app.Clock.Advance(TimeSpan.FromDays(2));
        await StrangerCallsAsync(9);
        var delivered = await WaitForDeliveriesAsync(d => All(d, 4, "delivered"));
        var inRange = delivered.Skip(1).Select(d => d!.Text("id")).Reverse().ToList();

        var replay = await TestOrganization.ReadAsync(
            await ReplayAsync(new { from = first.AddMinutes(-1), to = first.AddHours(1) }));
        await WaitForDeliveriesAsync(d => All(d, 4, "delivered") && _receiver.Taken.Count == 7);

        Assert.Equal(3, replay["queued"]!.GetValue<int>());
        Assert.Equal(inRange, _receiver.Taken.Skip(4).Select(t => t.EventId));
        var audited = Assert.Single(await AuditAsync())!;
        Assert.Equal("replayed", audited.Text("action"));
        Assert.Contains(audited["changes"]!.AsArray(), c => c!.Text("field") == "queued" && c!.Text("after") == "3");
    }

    [Fact]
    public async Task ReplayRefusesARangeOverThirtyOneDaysOrMissingAndNamesTheField()
    {
        var now = _app.Clock.GetUtcNow();

        Assert.Equal(["to"], await ErrorFieldsAsync(await ReplayAsync(new { from = now.AddDays(-32), to = now })));
        Assert.Equal(["to"], await ErrorFieldsAsync(await ReplayAsync(new { from = now, to = now.AddDays(-1) })));
        Assert.Equal(["from"], await ErrorFieldsAsync(await ReplayAsync(new { to = now })));
        Assert.Equal(
            0,
            (await TestOrganization.ReadAsync(await ReplayAsync(new { from = now.AddDays(-31), to = now })))["queued"]!
                .GetValue<int>());
        Assert.Equal("replayed", Assert.Single(await AuditAsync())!.Text("action"));
    }
}
