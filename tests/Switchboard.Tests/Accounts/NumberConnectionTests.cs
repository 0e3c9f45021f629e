using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Accounts;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// Numbers connect themselves: added, a number is looked up at the organization's provider and pointed at
/// Switchboard; the numbers list says whether it still is (connected, elsewhere, unknown with the reason), as checked
/// on demand and by the hourly pass; a provider that refuses or cannot be reached never stops a number being added.
/// </summary>
[Trait("Database", "yes")]
public sealed class NumberConnectionTests : IAsyncLifetime
{
    private const string Number = "+14155550100";
    private const string VoiceUrl = SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice";
    private const string StatusUrl = SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/status";

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;
    private TestOrganization _org = null!;
    private string _sid = "";

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        _app.HoldBackgroundPassesUntilTheClockMoves();
        _sid = _twilio.AddAccount(ProviderAccountTests.OrgToken);
        _org = await TestOrganization.CreateAsync(_app);
        await SetAccountAsync(ProviderAccountTests.OrgToken, _twilio.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private async Task SetAccountAsync(string token, string apiBaseUrl) =>
        Assert.Equal(HttpStatusCode.OK, (await _app.Operator().PutAsJsonAsync($"{_org.Path}/provider",
            new { provider = "twilio", accountSid = _sid, authToken = token, apiBaseUrl })).StatusCode);

    private async Task<JsonNode> AddAsync(string number)
    {
        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/numbers", new { number });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    private async Task<JsonNode> ListedAsync(string number) =>
        (await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray().Single(n => n!.Text("number") == number)!;

    private FakeTwilioApi.IncomingNumber AtProvider(string number) =>
        _twilio.IncomingNumbers.Values.Single(n => n.PhoneNumber == number);

    [Fact]
    public async Task AnAddedNumberIsPointedAtSwitchboardAtTheOrganizationsProvider()
    {
        _twilio.AddIncomingNumber(_sid, Number, voiceUrl: "https://old-app.example.org/voice");

        var added = await AddAsync(Number);
        var listed = await ListedAsync(Number);

        Assert.Equal("connected", added.Text("connection"));
        Assert.Equal("connected", listed.Text("connection"));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, listed["connectionCheckedAt"]!.GetValue<DateTime>());
        Assert.Null(listed["connectionReason"]);
        var configured = AtProvider(Number);
        Assert.Equal(VoiceUrl, configured.VoiceUrl);
        Assert.Equal("POST", configured.VoiceMethod);
        Assert.Equal(StatusUrl, configured.StatusCallback);
    }

    [Fact]
    public async Task DriftIsSeenByACheckAndMendedByConnect()
    {
        var sid = _twilio.AddIncomingNumber(_sid, Number);
        await AddAsync(Number);
        _twilio.IncomingNumbers[sid] = AtProvider(Number) with { VoiceUrl = "https://someone-else.example.org/voice" };

        var checkedNow = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsync($"{_org.Path}/numbers/%2B14155550100/check", null));
        Assert.Equal("elsewhere", checkedNow.Text("connection"));
        Assert.Equal("https://someone-else.example.org/voice", AtProvider(Number).VoiceUrl);

        var connected = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsync($"{_org.Path}/numbers/%2B14155550100/connect", null));
        Assert.Equal("connected", connected.Text("connection"));
        Assert.Equal(VoiceUrl, AtProvider(Number).VoiceUrl);
        await ProblemAsync(
            await _org.Admin.PostAsync($"{_org.Path}/numbers/%2B14155550999/check", null),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AProviderThatRefusesOrCannotBeReachedLeavesTheNumberAddedAndUnknownWithTheReason()
    {
        await SetAccountAsync("a-wrong-token-0000", _twilio.BaseUrl);
        _twilio.AddIncomingNumber(_sid, Number);
        var refused = await AddAsync(Number);
        Assert.Equal("unknown", refused.Text("connection"));
        Assert.Equal("the provider refused the credentials", refused.Text("connectionReason"));

        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await SetAccountAsync(ProviderAccountTests.OrgToken, $"http://127.0.0.1:{port}");
        var unreachable = await AddAsync("+14155550101");
        Assert.Equal("unknown", unreachable.Text("connection"));
        Assert.Equal("the provider could not be reached", unreachable.Text("connectionReason"));

        await SetAccountAsync(ProviderAccountTests.OrgToken, _twilio.BaseUrl);
        var notThere = await AddAsync("+14155550102");
        Assert.Equal("the provider's account has no such number", notThere.Text("connectionReason"));
        Assert.Equal(3, (await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray().Count);

        // Later the account is right again: "Connect" does what the add could not.
        var connected = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsync($"{_org.Path}/numbers/%2B14155550100/connect", null));
        Assert.Equal("connected", connected.Text("connection"));
    }

    [Fact]
    public async Task TheHourlyPassSeesANumberThatWasPointedElsewhere()
    {
        var sid = _twilio.AddIncomingNumber(_sid, Number);
        await AddAsync(Number);
        _twilio.IncomingNumbers[sid] = AtProvider(Number) with { VoiceApplicationSid = "AP" + new string('0', 32) };
        var pass = _app.Services.GetServices<IHostedService>().OfType<NumberConnectionPass>().Single();

        Assert.Equal(0, await pass.RunOnceAsync(CancellationToken.None));
        Assert.Equal("connected", (await ListedAsync(Number)).Text("connection"));

        // The pass's own timer fires too as the clock moves; whichever run checks first, the check has happened after
        // this one.
        _app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.InRange(await pass.RunOnceAsync(CancellationToken.None), 0, 1);
        var listed = await ListedAsync(Number);
        Assert.Equal("elsewhere", listed.Text("connection"));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, listed["connectionCheckedAt"]!.GetValue<DateTime>());
    }
}
