using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// Numbers connect themselves at Telnyx: a number added to an organization with its own Telnyx account is put on the
/// account's TeXML application, and is <c>connected</c> only while it is on that application and the application's
/// voice URL and status callback are Switchboard's; a check, "Connect" and the hourly pass see and mend drift, and a
/// refused key or a missing number leave it added and <c>unknown</c> with the reason.
/// </summary>
[Trait("Database", "yes")]
public sealed class TelnyxNumberConnectionTests : IAsyncLifetime
{
    private const string OwnKey = "KEYorganization-own-telnyx-key";
    private const string OwnApplication = "9876543210987654321";
    private const string OtherConnection = "1111111111111111111";
    private const string Number = "+14155550100";

    private readonly SwitchboardApp _app = new();
    private FakeTelnyxApi _telnyx = null!;
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _telnyx = await FakeTelnyxApi.StartAsync(OwnKey, OwnApplication);
        _telnyx.PointApplicationAt(SwitchboardApp.PublicBaseUrl);
        _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        _app.HoldBackgroundPassesUntilTheClockMoves();
        _org = await TestOrganization.CreateAsync(_app);
        await SetAccountAsync(OwnKey);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _telnyx.DisposeAsync();
    }

    private async Task SetAccountAsync(string apiKey)
    {
        var response = await _app.Operator().PutAsJsonAsync(
            $"{_org.Path}/provider",
            new
            {
                provider = "telnyx",
                apiKey,
                publicKey = TelnyxPlay.PublicKey,
                applicationId = OwnApplication,
                apiBaseUrl = _telnyx.BaseUrl,
            });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> AddAsync(string number)
    {
        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/numbers", new { number });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    private async Task<JsonNode> ListedAsync(string number) =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray().Single(n => n!.Text("number") == number)!;

    private async Task<JsonNode> PostAsync(string action) => await TestOrganization.ReadAsync(
        await _org.Admin.PostAsync($"{_org.Path}/numbers/%2B14155550100/{action}", null));

    private string? ConnectionAtTelnyx(string number) =>
        _telnyx.Numbers.Values.Single(n => n.Number == number).ConnectionId;

    [Fact]
    public async Task AnAddedNumberIsPutOnTheOrganizationsTexmlApplication()
    {
        _telnyx.AddNumber(Number, OtherConnection);

        var added = await AddAsync(Number);
        var listed = await ListedAsync(Number);

        Assert.Equal("connected", added.Text("connection"));
        Assert.Equal("connected", listed.Text("connection"));
        Assert.Null(listed["connectionReason"]);
        Assert.Equal(OwnApplication, ConnectionAtTelnyx(Number));
    }

    [Fact]
    public async Task DriftOfTheNumberIsSeenByACheckAndMendedByConnect()
    {
        var id = _telnyx.AddNumber(Number);
        await AddAsync(Number);
        _telnyx.Numbers[id] = _telnyx.Numbers[id] with { ConnectionId = OtherConnection };

        Assert.Equal("elsewhere", (await PostAsync("check")).Text("connection"));
        Assert.Equal(OtherConnection, ConnectionAtTelnyx(Number));

        Assert.Equal("connected", (await PostAsync("connect")).Text("connection"));
        Assert.Equal(OwnApplication, ConnectionAtTelnyx(Number));
    }

    [Fact]
    public async Task AnApplicationWhoseUrlsAreElsewhereLeavesItsNumbersElsewhereAndIsNotChanged()
    {
        _telnyx.AddNumber(Number, OwnApplication);
        _telnyx.VoiceUrl = "https://someone-else.example.org/voice";

        Assert.Equal("elsewhere", (await AddAsync(Number)).Text("connection"));
        Assert.Equal("elsewhere", (await PostAsync("connect")).Text("connection"));
        Assert.Equal("https://someone-else.example.org/voice", _telnyx.VoiceUrl);

        _telnyx.PointApplicationAt(SwitchboardApp.PublicBaseUrl);
        _telnyx.StatusCallback = "https://someone-else.example.org/status";
        Assert.Equal("elsewhere", (await PostAsync("check")).Text("connection"));

        _telnyx.PointApplicationAt(SwitchboardApp.PublicBaseUrl);
        Assert.Equal("connected", (await PostAsync("check")).Text("connection"));
    }

    [Fact]
    public async Task ARefusedKeyOrAMissingNumberLeavesTheNumberAddedAndUnknownWithTheReason()
    {
        _telnyx.AddNumber(Number);
        await SetAccountAsync("KEYa-wrong-telnyx-key-0000");
        var refused = await AddAsync(Number);
        Assert.Equal("unknown", refused.Text("connection"));
        Assert.Equal("the provider refused the credentials", refused.Text("connectionReason"));

        await SetAccountAsync(OwnKey);
        var missing = await AddAsync("+14155550102");
        Assert.Equal("unknown", missing.Text("connection"));
        Assert.Equal("the provider's account has no such number", missing.Text("connectionReason"));
        Assert.Equal(2, (await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray().Count);

        Assert.Equal("connected", (await PostAsync("connect")).Text("connection"));
        Assert.Equal(OwnApplication, ConnectionAtTelnyx(Number));
    }

    [Fact]
    public async Task TheHourlyPassSeesANumberMovedToAnotherConnection()
    {
        var id = _telnyx.AddNumber(Number);
        await AddAsync(Number);
        _telnyx.Numbers[id] = _telnyx.Numbers[id] with { ConnectionId = OtherConnection };
        var pass = _app.Services.GetServices<IHostedService>().OfType<NumberConnectionPass>().Single();

        Assert.Equal(0, await pass.RunOnceAsync(CancellationToken.None));
        Assert.Equal("connected", (await ListedAsync(Number)).Text("connection"));

        // The pass's own timer fires too as the clock moves; whichever run checks first, the check has happened.
        _app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.InRange(await pass.RunOnceAsync(CancellationToken.None), 0, 1);
        var listed = await ListedAsync(Number);
        Assert.Equal("elsewhere", listed.Text("connection"));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, listed["connectionCheckedAt"]!.GetValue<DateTime>());
        Assert.Equal(OtherConnection, ConnectionAtTelnyx(Number));
    }
}
