using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Calls;
using Switchboard.Network;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// An organization with a Bandwidth account of its own: its numbers' webhooks sign in with its callback credentials
/// (another organization's are refused), its agents' calls go to its own Voice API with its API user, through the
/// network guard, and <c>POST …/provider/check</c> tries its API user on its application at the fake Dashboard API.
/// </summary>
[Trait("Database", "yes")]
public sealed class BandwidthAccountTests : IAsyncLifetime
{
    private const string NumberA = "+14155550100";
    private const string NumberB = "+14155550200";
    private const string Contact = "+14155550199";
    private const string AgentPhone = "+14155550111";

    /// <summary>A name the machine resolves to loopback: only the guard (asking the test's DNS) stops it.</summary>
    private const string ReboundHost = "localhost";

    private static readonly Account A = new(
        "9900011", "org-a-api-user", "org-a-api-password", "aaaaaaaa-0000-4000-8000-00000000000a",
        "org-a-callbacks", "org-a-callback-password");

    private static readonly Account B = new(
        "9900022", "org-b-api-user", "org-b-api-password", "bbbbbbbb-0000-4000-8000-00000000000b",
        "org-b-callbacks", "org-b-callback-password");

    private readonly SwitchboardApp _app = new();
    private readonly PlayedDns _dns = new();
    private FakeBandwidthApi _global = null!;
    private FakeBandwidthApi _ownA = null!;
    private TestOrganization _orgA = null!;
    private TestOrganization _orgB = null!;
    private long _alice;

    private sealed record Account(
        string AccountId,
        string Username,
        string Password,
        string ApplicationId,
        string CallbackUsername,
        string CallbackPassword);

    public async Task InitializeAsync()
    {
        _global = await FakeBandwidthApi.StartAsync();
        _ownA = await FakeBandwidthApi.StartAsync(A.AccountId, A.Username, A.Password, A.ApplicationId);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _global.DisposeAsync();
        await _ownA.DisposeAsync();
    }

    private async Task StartAsync(bool allowLoopback = true)
    {
        if (allowLoopback)
        {
            _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        }

        _global.Configure(_app);
        _app.Settings["Switchboard:Bandwidth:CallbackUsername"] = BandwidthPlay.CallbackUsername;
        _app.Settings["Switchboard:Bandwidth:CallbackPassword"] = BandwidthPlay.CallbackPassword;
        _app.Settings["Switchboard:Provider"] = "Bandwidth";
        // The reconciler is run by the test itself, at the fake clock's time.
        _app.Settings["Switchboard:Calls:ReconcileInterval"] = "01:00:00";
        _app.Replacements.Add(services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(_dns)));
        _orgA = await TestOrganization.CreateAsync(_app, "Bandwidth Org A");
        _orgB = await TestOrganization.CreateAsync(_app, "Bandwidth Org B");
        _alice = await _orgA.CreateAgentAsync("Alice", AgentPhone);
        await _orgA.AddNumberAsync(NumberA, groupId: await _orgA.CreateGroupAsync());
        await _orgA.TextAsync(_alice, Contact, NumberA, _app.Clock.GetUtcNow().AddHours(-1));
        await _orgB.AddNumberAsync(NumberB);
    }

    private async Task SetAccountAsync(TestOrganization org, Account account, string? apiBaseUrl)
    {
        var response = await _app.Operator().PutAsJsonAsync(
            $"{org.Path}/provider",
            new
            {
                provider = "bandwidth",
                accountId = account.AccountId,
                username = account.Username,
                password = account.Password,
                applicationId = account.ApplicationId,
                callbackUsername = account.CallbackUsername,
                callbackPassword = account.CallbackPassword,
                apiBaseUrl,
            });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> InitiateAsync(
        string to, string user, string password, string? callId = null)
    {
        callId ??= $"c-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/bandwidth/voice")
        {
            Content = new StringContent(
                $$"""
                {"eventType":"initiate","eventTime":"2026-12-01T06:00:00.000Z","accountId":"{{A.AccountId}}",
                 "applicationId":"{{A.ApplicationId}}","from":"{{Contact}}","to":"{{to}}","direction":"inbound",
                 "callId":"{{callId}}","startTime":"2026-12-01T06:00:00.000Z"}
                """,
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BandwidthPlay.BasicAuth(user, password));
        using var response = await _app.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> CallContactAsync() =>
        _orgA.Admin.PostAsJsonAsync($"{_orgA.Path}/calls", new { agentId = _alice, contact = Contact });

    [Fact]
    public async Task AWebhookToOrganizationAsNumberIsRefusedWithBsCallbackCredentialsAndAcceptedWithAs()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);
        await SetAccountAsync(_orgB, B, null);

        var withB = await InitiateAsync(NumberA, B.CallbackUsername, B.CallbackPassword);
        var withGlobal = await InitiateAsync(NumberA, BandwidthPlay.CallbackUsername, BandwidthPlay.CallbackPassword);
        var withA = await InitiateAsync(NumberA, A.CallbackUsername, A.CallbackPassword);

        Assert.Equal(HttpStatusCode.Forbidden, withB.Status);
        Assert.Equal(HttpStatusCode.Forbidden, withGlobal.Status);
        Assert.Empty(FakeBandwidthApi.BxmlProblems(withB.Body));
        Assert.Equal(HttpStatusCode.OK, withA.Status);
        Assert.Empty(FakeBandwidthApi.BxmlProblems(withA.Body));
        // The agent's leg signs in to its prompt with A's callback credentials, never the global ones.
        Assert.Contains("transferAnswerUrl", withA.Body, StringComparison.Ordinal);
        Assert.Contains($"username=\"{A.CallbackUsername}\"", withA.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(BandwidthPlay.CallbackUsername, withA.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANumberOfAnOrganizationWithoutItsOwnAccountStillSignsInWithTheGlobalCredentials()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);

        var withGlobal = await InitiateAsync(NumberB, BandwidthPlay.CallbackUsername, BandwidthPlay.CallbackPassword);
        var withA = await InitiateAsync(NumberB, A.CallbackUsername, A.CallbackPassword);

        Assert.Equal(HttpStatusCode.OK, withGlobal.Status);
        Assert.Equal(HttpStatusCode.Forbidden, withA.Status);
    }

    [Fact]
    public async Task AnAgentsCallGoesToTheOrganizationsOwnVoiceApiWithItsApiUser()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);

        var started = await CallContactAsync();

        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var created = Assert.Single(_ownA.Created);
        Assert.Equal(AgentPhone, created.To);
        Assert.Equal(NumberA, created.From);
        // Bandwidth signs in to the agent's prompt with the organization's own callback credentials.
        Assert.Equal(A.CallbackUsername, created.User);
        Assert.Equal(A.CallbackPassword, created.Password);
        Assert.Empty(_global.Created);
    }

    [Fact]
    public async Task AnApiBaseUrlThatNowResolvesToLoopbackIsRefusedWhenTheCallIsPlaced()
    {
        await StartAsync(allowLoopback: false);
        var port = new Uri(_ownA.BaseUrl).Port;
        _dns.Answer(ReboundHost, IPAddress.Parse("203.0.113.10"));
        await SetAccountAsync(_orgA, A, $"http://{ReboundHost}:{port}");
        _dns.Answer(ReboundHost, IPAddress.Loopback);

        var refused = await CallContactAsync();

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ReboundHost, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
        Assert.Empty(_ownA.Created);
        Assert.Empty(_global.Created);
    }

    [Fact]
    public async Task ACallLeftOpenIsLookedUpAtTheOrganizationsOwnVoiceApiWithItsApiUser()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);
        var callId = $"c-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await InitiateAsync(NumberA, A.CallbackUsername, A.CallbackPassword, callId))
            .Status);
        var now = _app.Clock.GetUtcNow();
        // Only A's Voice API knows the call; the global one would answer "not found" and leave it open.
        _ownA.Calls[callId] = ("disconnected", "hangup", now.AddSeconds(5), now.AddSeconds(42));
        _app.Clock.Advance(TimeSpan.FromMinutes(11));

        int ended;
        using (var scope = _app.Services.CreateScope())
        {
            ended = await scope.ServiceProvider.GetRequiredService<CallReconciler>()
                .ReconcileAsync(CancellationToken.None);
        }

        Assert.Equal(1, ended);
        var logged = (await _orgA.CallsAsync())[0]!;
        Assert.Equal(37, logged["durationSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheCheckTriesTheApiUserOnTheApplicationAndSaysWhatFailed()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);
        var ok = await TestOrganization.ReadAsync(
            await _app.Operator().PostAsync($"{_orgA.Path}/provider/check", null));

        await SetAccountAsync(_orgA, A with { Password = "a-wrong-api-password" }, _ownA.BaseUrl);
        var refused = await TestOrganization.ReadAsync(
            await _app.Operator().PostAsync($"{_orgA.Path}/provider/check", null));

        await SetAccountAsync(_orgA, A with { ApplicationId = "cccccccc-0000-4000-8000-00000000000c" }, _ownA.BaseUrl);
        var unknown = await TestOrganization.ReadAsync(
            await _app.Operator().PostAsync($"{_orgA.Path}/provider/check", null));

        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.Equal("bandwidth", ok["provider"]!.GetValue<string>());
        Assert.False(refused["ok"]!.GetValue<bool>());
        Assert.Equal("the provider refused the credentials", refused["problem"]!.GetValue<string>());
        Assert.DoesNotContain("a-wrong-api-password", refused.ToJsonString(), StringComparison.Ordinal);
        Assert.False(unknown["ok"]!.GetValue<bool>());
        Assert.Equal("the provider does not know this account or application", unknown["problem"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetAndTheAuditLogShowTheBandwidthAccountWithoutItsSecrets()
    {
        await StartAsync();
        await SetAccountAsync(_orgA, A, _ownA.BaseUrl);

        var shown = await TestOrganization.ReadAsync(await _orgA.Admin.GetAsync($"{_orgA.Path}/provider"));
        var audit = await (await _orgA.Admin.GetAsync($"{_orgA.Path}/audit?entityType=providerAccount"))
            .Content.ReadAsStringAsync();

        var text = shown.ToJsonString();
        Assert.Equal("bandwidth", shown["provider"]!.GetValue<string>());
        Assert.Equal(A.CallbackUsername, shown["fields"]!["callbackUsername"]!.GetValue<string>());
        Assert.Equal("…word", shown["secrets"]!["password"]!.GetValue<string>());
        Assert.DoesNotContain(A.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(A.CallbackPassword, text, StringComparison.Ordinal);
        Assert.Contains("bandwidth", audit, StringComparison.Ordinal);
        Assert.Contains("(set)", audit, StringComparison.Ordinal);
        foreach (var secret in new[] { A.Password, A.CallbackPassword })
        {
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[^4..], audit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PutWithoutTheCallbackPasswordNamesTheMissingField()
    {
        await StartAsync();

        var response = await _app.Operator().PutAsJsonAsync(
            $"{_orgA.Path}/provider",
            new
            {
                provider = "bandwidth",
                accountId = A.AccountId,
                username = A.Username,
                password = A.Password,
                applicationId = A.ApplicationId,
                callbackUsername = A.CallbackUsername,
            });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("is required", problem["errors"]!["callbackPassword"]![0]!.GetValue<string>());
    }

    /// <summary>DNS as the test plays it: each name answers what it was last told; others are looked up.</summary>
    private sealed class PlayedDns : IHostResolver
    {
        private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

        public void Answer(string host, params IPAddress[] addresses) => _names[host] = addresses;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            _names.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses)
                : new DnsHostResolver().ResolveAsync(host, ct);
    }
}
