using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Switchboard behind a proxy (<c>Switchboard:ForwardedHeaders</c>): a request through a trusted proxy counts as the
/// client's it forwards, with the public scheme and host; one through any other address counts as that address's,
/// whatever X-Forwarded-* it claims. Sources are named with <see cref="TestSourceAddress"/>.
/// </summary>
[Trait("Database", "yes")]
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private const string TrustedProxy = "127.0.0.2";
    private const string UntrustedProxy = "127.0.0.3";
    private const string ClientA = "203.0.113.10";
    private const string ClientB = "203.0.113.11";
    private const string GroupNumber = "+14155550100";
    private const string PublicHost = "calls.public.example";
    private const string WrongKey = "sbk_987654_QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["Switchboard:ForwardedHeaders:KnownProxies:0"] = TrustedProxy;
        _app.Settings["Switchboard:RateLimits:FailedAuthentication:PermitLimit"] = "2";
        _app.Settings["Switchboard:RateLimits:FailedAuthentication:Window"] = "00:01:00";
        // No configured public URL: the provider's signature is checked against the URL the request itself names.
        _app.Settings["Switchboard:Twilio:PublicBaseUrl"] = "";
        _org = await TestOrganization.CreateAsync(_app);
        await _org.AddNumberAsync(GroupNumber, groupId: await _org.CreateGroupAsync());
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A client whose requests arrive from <paramref name="proxy"/>, saying they were forwarded for
    /// <paramref name="client"/>.
    /// </summary>
    private HttpClient Through(string proxy, string client, string? key = null)
    {
        var http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Add(TestSourceAddress.Header, proxy);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.Add("X-Forwarded-Host", PublicHost);
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return http;
    }

    private async Task<HttpStatusCode> WrongKeyAsync(string proxy, string client) =>
        (await Through(proxy, client, WrongKey).GetAsync($"{_org.Path}/groups")).StatusCode;

    [Fact]
    public async Task ClientsBehindTheTrustedProxyEachHaveTheirOwnRateLimit()
    {
        await WrongKeyAsync(TrustedProxy, ClientA);
        await WrongKeyAsync(TrustedProxy, ClientA);

        Assert.Equal(HttpStatusCode.TooManyRequests, await WrongKeyAsync(TrustedProxy, ClientA));
        Assert.Equal(HttpStatusCode.Unauthorized, await WrongKeyAsync(TrustedProxy, ClientB));
    }

    [Fact]
    public async Task ClientsClaimedByAnUntrustedAddressShareThatAddresssLimit()
    {
        await WrongKeyAsync(UntrustedProxy, ClientA);
        await WrongKeyAsync(UntrustedProxy, ClientA);

        Assert.Equal(HttpStatusCode.TooManyRequests, await WrongKeyAsync(UntrustedProxy, ClientB));
        Assert.Equal(HttpStatusCode.Unauthorized, await WrongKeyAsync(TrustedProxy, ClientB));
    }

    [Fact]
    public async Task AuditLogRecordsTheForwardedClientOnlyThroughTheTrustedProxy()
    {
        await TestOrganization.ReadAsync(
            await Through(TrustedProxy, ClientA, _org.AdminKey)
                .PostAsJsonAsync($"{_org.Path}/groups", new { name = "Via Trusted" }));
        await TestOrganization.ReadAsync(
            await Through(UntrustedProxy, ClientA, _org.AdminKey)
                .PostAsJsonAsync($"{_org.Path}/groups", new { name = "Via Untrusted" }));

        var log = (await _org.Admin.GetJsonAsync($"{_org.Path}/audit?entityType=group"))["items"]!.AsArray();
        string SourceOf(string name) =>
            log.Single(e => e!["changes"]!.AsArray().Any(c => c!.TextOrNull("after") == name))!.Text("sourceAddress");

        Assert.Equal(ClientA, SourceOf("Via Trusted"));
        Assert.Equal(UntrustedProxy, SourceOf("Via Untrusted"));
    }

    [Fact]
    public async Task WebhookSignedForThePublicUrlIsAcceptedOnlyThroughTheTrustedProxy()
    {
        var publicUrl = $"https://{PublicHost}/webhooks/twilio/voice";
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = "ACtest",
            ["From"] = "+14155550198",
            ["To"] = GroupNumber,
            ["CallStatus"] = "ringing",
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        var signature = TwilioSignature.Compute(SwitchboardApp.AuthToken, publicUrl, form);

        var trusted = await new TwilioProvider(Through(TrustedProxy, ClientA)).SendAsync(publicUrl, form, signature);
        var untrusted = await new TwilioProvider(Through(UntrustedProxy, ClientA)).SendAsync(
            publicUrl,
            form,
            signature);

        Assert.Equal(HttpStatusCode.OK, trusted.Status);
        Assert.Equal(["Reject"], trusted.Verbs);
        Assert.Equal(HttpStatusCode.Forbidden, untrusted.Status);
    }

    [Fact]
    public async Task WithNoProxyConfiguredForwardedHeadersAreIgnored()
    {
        using var plain = new SwitchboardApp();
        plain.Settings["Switchboard:RateLimits:FailedAuthentication:PermitLimit"] = "2";
        var org = await TestOrganization.CreateAsync(plain);
        var http = plain.CreateClient();
        http.DefaultRequestHeaders.Add(TestSourceAddress.Header, "127.0.0.1");
        http.DefaultRequestHeaders.Add("X-Forwarded-For", ClientA);

        await TestOrganization.ReadAsync(
            await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{org.Path}/groups")
            {
                Content = JsonContent.Create(new { name = "Loopback" }),
                Headers = { Authorization = new("Bearer", org.AdminKey) },
            }));

        var entry = (await org.Admin.GetJsonAsync($"{org.Path}/audit?entityType=group"))["items"]!.AsArray().Single()!;
        Assert.Equal("127.0.0.1", entry.Text("sourceAddress"));
    }
}
