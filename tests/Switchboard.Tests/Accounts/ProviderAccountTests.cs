using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Accounts;
using Switchboard.Storage;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// <c>PUT/GET/DELETE …/provider</c> and <c>POST …/provider/check</c>: who may set an organization's own account, what
/// is refused and why, that no answer and no stored column holds a secret, and that another instance on the same
/// database reads what this one encrypted.
/// </summary>
[Trait("Database", "yes")]
public sealed class ProviderAccountTests : IAsyncLifetime
{
    public const string AllowedNetworks = "Switchboard:Providers:AllowedNetworks:0";
    public const string OrgToken = "org-own-auth-token-7f3a9c";

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;
    private TestOrganization _org = null!;
    private string _orgSid = "";

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        _app.Settings[AllowedNetworks] = "127.0.0.0/8";
        _orgSid = _twilio.AddAccount(OrgToken);
        _org = await TestOrganization.CreateAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private object TwilioAccount(string? token = null, string? apiBaseUrl = null) =>
        new
        {
            provider = "twilio",
            accountSid = _orgSid,
            authToken = token ?? OrgToken,
            apiBaseUrl = apiBaseUrl ?? _twilio.BaseUrl,
        };

    [Fact]
    public async Task TheOperatorSetsAnAccountAndEveryAnswerShowsOnlyTheLastFourCharactersOfTheSecret()
    {
        var set = await _app.Operator().PutAsJsonAsync($"{_org.Path}/provider", TwilioAccount());
        var setBody = await set.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var shown = await _org.Admin.GetJsonAsync($"{_org.Path}/provider");
        var audit = await (await _org.Admin.GetAsync(
            $"{_org.Path}/audit?entityType=providerAccount")).Content.ReadAsStringAsync();

        Assert.Equal("twilio", shown.Text("provider"));
        Assert.Equal("organization", shown.Text("account"));
        Assert.Equal(_orgSid, shown["fields"]!.Text("accountSid"));
        Assert.Equal("…" + OrgToken[^4..], shown["secrets"]!.Text("authToken"));
        Assert.DoesNotContain(OrgToken, setBody, StringComparison.Ordinal);
        Assert.DoesNotContain(OrgToken, shown.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("providerAccount", audit, StringComparison.Ordinal);
        Assert.Contains("(set)", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(OrgToken, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(OrgToken[^4..], audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStoredColumnHoldsNoSecretAndAnotherInstanceOnTheSameDatabaseDecryptsIt()
    {
        Assert.Equal(
            HttpStatusCode.OK,
            (await _app.Operator().PutAsJsonAsync($"{_org.Path}/provider", TwilioAccount())).StatusCode);
        await using var other = _app.AnotherInstance();

        // The other instance uses the secret this one encrypted: the fake provider checks the Basic auth.
        var checkedThere = await TestOrganization.ReadAsync(
            await other.Operator().PostAsync($"{_org.Path}/provider/check", null));
        // And the other way round: an account it stores is read here.
        var second = await TestOrganization.CreateAsync(other, "Second Org");
        Assert.Equal(
            HttpStatusCode.OK,
            (await other.Operator().PutAsJsonAsync($"{second.Path}/provider", TwilioAccount())).StatusCode);
        var checkedHere = await TestOrganization.ReadAsync(
            await _app.Operator().PostAsync($"{second.Path}/provider/check", null));

        Assert.True(checkedThere["ok"]!.GetValue<bool>(), checkedThere.ToJsonString());
        Assert.True(checkedHere["ok"]!.GetValue<bool>(), checkedHere.ToJsonString());
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var rows = await db.ProviderAccounts.AsNoTracking().ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(
            rows,
            row => Assert.DoesNotContain(
                OrgToken,
                row.ProtectedSecrets + row.Settings + row.SecretHints,
                StringComparison.Ordinal));
        Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task AnAdminMayNotSetTheAccountUnlessTheOperatorAllowsItAndNeverItsApiBaseUrl()
    {
        await ProblemAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/provider", TwilioAccount()),
            HttpStatusCode.Forbidden);
        await ProblemAsync(await _org.Admin.DeleteAsync($"{_org.Path}/provider"), HttpStatusCode.Forbidden);

        await using var allowing = new SwitchboardApp();
        allowing.Settings["Switchboard:Providers:AdminsMaySetAccount"] = "true";
        var org = await TestOrganization.CreateAsync(allowing);
        var own = new { provider = "twilio", accountSid = _orgSid, authToken = OrgToken };

        Assert.Equal(HttpStatusCode.OK, (await org.Admin.PutAsJsonAsync($"{org.Path}/provider", own)).StatusCode);
        await ProblemAsync(
            await org.Admin.PutAsJsonAsync(
                $"{org.Path}/provider",
                new
                {
                    provider = "twilio",
                    accountSid = _orgSid,
                    authToken = OrgToken,
                    apiBaseUrl = "https://api.example.org",
                }),
            HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync($"{org.Path}/provider")).StatusCode);
        Assert.Equal("global", (await org.Admin.GetJsonAsync($"{org.Path}/provider")).Text("account"));
    }

    [Fact]
    public async Task ProblemsNameTheFieldForEveryProvider()
    {
        var op = _app.Operator();
        string[] Fields(params string[] names) => names;

        Assert.Equal(
            Fields("provider"),
            await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider", new { provider = "plivo" })));
        Assert.Equal(
            Fields("accountSid", "authToken"),
            await ErrorFieldsAsync(
                await op.PutAsJsonAsync($"{_org.Path}/provider", new { provider = "twilio", accountSid = "nope" })));
        Assert.Equal(Fields("apiToken"), await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider",
            new { provider = "twilio", accountSid = _orgSid, authToken = OrgToken, apiToken = "not-for-twilio" })));
        Assert.Equal(
            Fields("projectId", "signingKey"),
            await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider",
                new { provider = "signalwire", space = "example", projectId = "x", apiToken = "PT0123456789abcdef" })));
        Assert.Equal(Fields("publicKey"), await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider",
            new
            {
                provider = "telnyx",
                apiKey = "KEY0123456789abcdef",
                publicKey = Convert.ToBase64String(new byte[31]),
                applicationId = "1293384261075731499",
            })));
        Assert.Equal(
            Fields("accountId", "callbackPassword"),
            await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider",
                new
                {
                    provider = "bandwidth",
                    accountId = "acct",
                    username = "api-user",
                    password = "a-long-password",
                    applicationId = "b1c2d3",
                    callbackUsername = "cb",
                })));
        Assert.Equal(Fields("apiBaseUrl"), await ErrorFieldsAsync(await op.PutAsJsonAsync($"{_org.Path}/provider",
            new
            {
                provider = "twilio",
                accountSid = _orgSid,
                authToken = OrgToken,
                apiBaseUrl = "http://169.254.169.254/latest",
            })));
        Assert.Equal("global", (await _org.Admin.GetJsonAsync($"{_org.Path}/provider")).Text("account"));
    }

    [Fact]
    public async Task EveryProvidersAccountIsStoredWithHintsOnly()
    {
        var op = _app.Operator();
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        object[] accounts =
        [
            new
            {
                provider = "signalwire",
                space = "example",
                projectId = Guid.NewGuid(),
                apiToken = "PTsignalwire-token-0001",
                signingKey = "PSKsigning-key-0002",
            },
            new
            {
                provider = "telnyx",
                apiKey = "KEYtelnyx-api-key-0003",
                publicKey = key,
                applicationId = "1293384261075731499",
            },
            new
            {
                provider = "bandwidth",
                accountId = "9900000",
                username = "api-user",
                password = "bandwidth-pass-0004",
                applicationId = "7b1c6d2e-0000-4000-8000-000000000000",
                callbackUsername = "cb-user",
                callbackPassword = "callback-pass-0005",
            },
        ];

        foreach (var account in accounts)
        {
            var response = await op.PutAsJsonAsync($"{_org.Path}/provider", account);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            foreach (var secret in new[]
            {
                "PTsignalwire-token-0001",
                "PSKsigning-key-0002",
                "KEYtelnyx-api-key-0003",
                "bandwidth-pass-0004",
                "callback-pass-0005",
            })
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }
        }

        var shown = await _org.Admin.GetJsonAsync($"{_org.Path}/provider");
        Assert.Equal("bandwidth", shown.Text("provider"));
        Assert.Equal("…0004", shown["secrets"]!.Text("password"));
        Assert.Equal("…0005", shown["secrets"]!.Text("callbackPassword"));
        Assert.Equal("cb-user", shown["fields"]!.Text("callbackUsername"));
    }

    [Fact]
    public async Task TheCheckSaysInWordsWhatFailedAndNeverTheProvidersAddress()
    {
        var op = _app.Operator();
        var ok = await TestOrganization.ReadAsync(await op.PostAsync($"{_org.Path}/provider/check", null));
        Assert.Equal("global", ok.Text("account"));
        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());

        Assert.Equal(
            HttpStatusCode.OK,
            (await op.PutAsJsonAsync($"{_org.Path}/provider", TwilioAccount(token: "a-wrong-token-0000"))).StatusCode);
        var refused = await TestOrganization.ReadAsync(await _org.Admin.PostAsync($"{_org.Path}/provider/check", null));
        Assert.False(refused["ok"]!.GetValue<bool>());
        Assert.Equal("the provider refused the credentials", refused.Text("problem"));

        // A port nothing listens on: the answer says so without the address.
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        Assert.Equal(
            HttpStatusCode.OK,
            (await op.PutAsJsonAsync(
                $"{_org.Path}/provider",
                TwilioAccount(apiBaseUrl: $"http://127.0.0.1:{port}"))).StatusCode);
        var response = await _org.Admin.PostAsync($"{_org.Path}/provider/check", null);
        var unreachable = await response.Content.ReadAsStringAsync();
        Assert.Contains("the provider could not be reached", unreachable, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", unreachable, StringComparison.Ordinal);
        Assert.DoesNotContain(
            port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            unreachable,
            StringComparison.Ordinal);
    }
}
