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
/// Numbers connect themselves at Bandwidth: a number added to an organization with its own Bandwidth account points
/// the account's Voice application at Switchboard (call-initiated and call-status URLs, the callback credentials),
/// and is <c>connected</c> only while the application still does; a check, "Connect" and the hourly pass see and
/// mend drift, and a refused API user leaves the number added and <c>unknown</c> with the reason.
/// </summary>
[Trait("Database", "yes")]
public sealed class BandwidthNumberConnectionTests : IAsyncLifetime
{
    private const string AccountId = "9900033";
    private const string Username = "org-api-user";
    private const string Password = "org-api-password";
    private const string ApplicationId = "dddddddd-0000-4000-8000-00000000000d";
    private const string CallbackUsername = "org-callbacks";
    private const string CallbackPassword = "org-callback-password";
    private const string Number = "+14155550100";
    private const string VoiceUrl = SwitchboardApp.PublicBaseUrl + "/webhooks/bandwidth/voice";
    private const string StatusUrl = SwitchboardApp.PublicBaseUrl + "/webhooks/bandwidth/status";

    private readonly SwitchboardApp _app = new();
    private FakeBandwidthApi _bandwidth = null!;
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _bandwidth = await FakeBandwidthApi.StartAsync(AccountId, Username, Password, ApplicationId);
        _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        _app.HoldBackgroundPassesUntilTheClockMoves();
        _org = await TestOrganization.CreateAsync(_app);
        await SetAccountAsync(Password);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bandwidth.DisposeAsync();
    }

    private async Task SetAccountAsync(string password)
    {
        var response = await _app.Operator().PutAsJsonAsync(
            $"{_org.Path}/provider",
            new
            {
                provider = "bandwidth",
                accountId = AccountId,
                username = Username,
                password,
                applicationId = ApplicationId,
                callbackUsername = CallbackUsername,
                callbackPassword = CallbackPassword,
                apiBaseUrl = _bandwidth.BaseUrl,
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

    [Fact]
    public async Task AnAddedNumberPointsTheOrganizationsVoiceApplicationAtSwitchboard()
    {
        var added = await AddAsync(Number);
        var listed = await ListedAsync(Number);

        Assert.Equal("connected", added.Text("connection"));
        Assert.Equal("connected", listed.Text("connection"));
        Assert.Null(listed["connectionReason"]);
        Assert.Equal(VoiceUrl, _bandwidth.Application["CallInitiatedCallbackUrl"]);
        Assert.Equal(StatusUrl, _bandwidth.Application["CallStatusCallbackUrl"]);
        Assert.Equal(CallbackUsername, _bandwidth.Application["CallbackCreds.UserId"]);
        Assert.Equal(CallbackPassword, _bandwidth.Application["CallbackCreds.Password"]);
    }

    [Fact]
    public async Task DriftOfTheApplicationIsSeenByACheckAndMendedByConnect()
    {
        await AddAsync(Number);
        _bandwidth.Application["CallInitiatedCallbackUrl"] = "https://someone-else.example.org/initiate";

        Assert.Equal("elsewhere", (await PostAsync("check")).Text("connection"));
        Assert.Equal("https://someone-else.example.org/initiate", _bandwidth.Application["CallInitiatedCallbackUrl"]);

        Assert.Equal("connected", (await PostAsync("connect")).Text("connection"));
        Assert.Equal(VoiceUrl, _bandwidth.Application["CallInitiatedCallbackUrl"]);

        _bandwidth.Application["CallbackCreds.UserId"] = "someone-else";
        Assert.Equal("elsewhere", (await PostAsync("check")).Text("connection"));
    }

    [Fact]
    public async Task ARefusedApiUserLeavesTheNumberAddedAndUnknownWithTheReason()
    {
        await SetAccountAsync("a-wrong-api-password");

        var refused = await AddAsync(Number);

        Assert.Equal("unknown", refused.Text("connection"));
        Assert.Equal("the provider refused the credentials", refused.Text("connectionReason"));
        Assert.Equal(0, _bandwidth.Patches);
        Assert.Single((await _org.Admin.GetJsonAsync($"{_org.Path}/numbers")).AsArray());

        await SetAccountAsync(Password);
        Assert.Equal("connected", (await PostAsync("connect")).Text("connection"));
    }

    [Fact]
    public async Task TheHourlyPassSeesTheApplicationPointedElsewhere()
    {
        await AddAsync(Number);
        _bandwidth.Application["CallStatusCallbackUrl"] = "https://someone-else.example.org/status";
        var pass = _app.Services.GetServices<IHostedService>().OfType<NumberConnectionPass>().Single();

        Assert.Equal(0, await pass.RunOnceAsync(CancellationToken.None));
        Assert.Equal("connected", (await ListedAsync(Number)).Text("connection"));

        // The pass's own timer fires too as the clock moves; whichever run checks first, the check has happened.
        _app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.InRange(await pass.RunOnceAsync(CancellationToken.None), 0, 1);
        var listed = await ListedAsync(Number);
        Assert.Equal("elsewhere", listed.Text("connection"));
        Assert.Equal("https://someone-else.example.org/status", _bandwidth.Application["CallStatusCallbackUrl"]);
    }
}
