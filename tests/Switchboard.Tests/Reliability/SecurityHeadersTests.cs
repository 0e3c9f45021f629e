using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Net.Http.Headers;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Reliability;

/// <summary>
/// Browser hardening on every answer: the panel's pages (error pages too) allow no script, no framing, no sniffing and
/// no caching; the API and webhooks, which never answer pages, allow nothing at all; the panel's cookies are HttpOnly,
/// SameSite and Secure whenever the request came over https.
/// </summary>
[Trait("Database", "yes")]
public sealed partial class SecurityHeadersTests : IAsyncLifetime
{
    private const string Email = "ada@example.org";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _org = await PanelBrowser.OrganizationWithAdminAsync(_app, Email);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client(string scheme) => _app.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri($"{scheme}://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = false,
    });

    [Theory]
    [InlineData("/panel/sign-in", 200)]
    [InlineData("/panel/no-such-page", 404)]
    [InlineData("/panel/settings", 302)]
    public async Task PanelAnswersAllowNoScriptNoFramingNoSniffingAndNoCaching(string path, int status)
    {
        using var response = await Client("https").GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.Contains("microphone=()", Header(response, "Permissions-Policy"));
        Assert.Equal("no-store", Header(response, "Cache-Control"));
    }

    [Fact]
    public async Task PanelPagesCarryNoInlineScriptOrStyleThatThePolicyWouldBlock()
    {
        var html = await Client("https").GetStringAsync("/panel/sign-in");

        Assert.DoesNotMatch("<script", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotMatch(@"\sstyle\s*=", html);
        Assert.DoesNotMatch("<style", html);
    }

    [Fact]
    public async Task ApiAnswersAndProblemsAllowNothingAndAreNeitherSniffedNorCached()
    {
        var admin = _app.WithBearer(_org.AdminKey);
        using var ok = await admin.GetAsync($"{_org.Path}/inbound-calls");
        using var unauthenticated = await _app.CreateClient().GetAsync($"{_org.Path}/inbound-calls");
        using var missing = await admin.GetAsync($"{_org.Path}/groups/999999");

        foreach (var (response, status) in new[] { (ok, 200), (unauthenticated, 401), (missing, 404) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(SecurityHeaders.DataPolicy, Header(response, "Content-Security-Policy"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.Equal("no-store", Header(response, "Cache-Control"));
        }
    }

    [Fact]
    public async Task WebhookAnswersAreNotSniffed()
    {
        var answer = await new TwilioProvider(_app.CreateClient()).PostAsync(
            "/webhooks/twilio/status",
            new() { ["CallSid"] = "CA1", ["CallStatus"] = "completed" });
        using var response = await _app.CreateClient().PostAsync(
            "/webhooks/twilio/status",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["CallSid"] = "CA1" }));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal(SecurityHeaders.DataPolicy, Header(response, "Content-Security-Policy"));
    }

    [Theory]
    [InlineData("https", true)]
    [InlineData("http", false)]
    public async Task PanelCookiesAreHttpOnlySameSiteAndSecureOverHttps(string scheme, bool secure)
    {
        var client = Client(scheme);
        using var form = await client.GetAsync("/panel/sign-in");
        var antiforgery = Cookie(form, "switchboard.antiforgery");
        var token = VerificationToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/panel/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = Email, ["Password"] = PanelBrowser.Password, ["__RequestVerificationToken"] = token,
            }),
        };
        request.Headers.Add("Cookie", $"{antiforgery.Name}={antiforgery.Value}");
        using var signedIn = await client.SendAsync(request);
        var session = Cookie(signedIn, "switchboard.panel");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(antiforgery.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, antiforgery.SameSite);
        Assert.Equal("/panel", antiforgery.Path.Value);
        Assert.Equal(secure, antiforgery.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, session.SameSite);
        Assert.Equal("/panel", session.Path.Value);
        Assert.Equal(secure, session.Secure);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException(
                $"No {name} header on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");

    private static SetCookieHeaderValue Cookie(HttpResponseMessage response, string name) =>
        SetCookieHeaderValue.ParseList(
            response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [])
            .SingleOrDefault(c => c.Name.Value == name)
        ?? throw new Xunit.Sdk.XunitException($"No {name} cookie set by {response.RequestMessage?.RequestUri}");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();
}
