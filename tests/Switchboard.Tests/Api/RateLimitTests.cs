using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Limits per source address: failed bearer authentications, failed panel sign-ins, and webhook traffic, each with
/// small limits set for the test. Sources are named with <see cref="TestSourceAddress"/>.
/// </summary>
[Trait("Database", "yes")]
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.66";
    private const string Neighbour = "198.51.100.7";
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string WrongKey = "sbk_987654_QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["Switchboard:RateLimits:FailedAuthentication:PermitLimit"] = "3";
        _app.Settings["Switchboard:RateLimits:FailedAuthentication:Window"] = "00:01:00";
        _app.Settings["Switchboard:RateLimits:FailedSignIns:PermitLimit"] = "3";
        _app.Settings["Switchboard:RateLimits:FailedSignIns:Window"] = "00:15:00";
        _app.Settings["Switchboard:RateLimits:Webhooks:PermitLimit"] = "4";
        _app.Settings["Switchboard:RateLimits:Webhooks:Window"] = "00:01:00";
        _org = await TestOrganization.CreateAsync(_app);
        await _org.AddNumberAsync(GroupNumber, groupId: await _org.CreateGroupAsync());
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private HttpClient From(string source, string? key = null)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        client.DefaultRequestHeaders.Add(TestSourceAddress.Header, source);
        return client;
    }

    [Fact]
    public async Task AfterThreeWrongKeysTheSourceGets429WithRetryAfterEvenForARightKey()
    {
        for (var i = 0; i < 3; i++)
        {
            await ProblemAsync(
                await From(Attacker, WrongKey).GetAsync($"{_org.Path}/groups"),
                HttpStatusCode.Unauthorized);
        }

        var wrong = await From(Attacker, WrongKey).GetAsync($"{_org.Path}/groups");
        var right = await From(Attacker, _org.AdminKey).GetAsync($"{_org.Path}/groups");

        var problem = await ProblemAsync(wrong, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many failed authentications", problem.Text("title"));
        Assert.Equal(TimeSpan.FromMinutes(1), wrong.Headers.RetryAfter?.Delta);
        await ProblemAsync(right, HttpStatusCode.TooManyRequests);
        Assert.NotNull(right.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task AnotherSourceKeepsWorkingWhileOneIsLimited()
    {
        for (var i = 0; i < 4; i++)
        {
            await From(Attacker, WrongKey).GetAsync($"{_org.Path}/groups");
        }

        Assert.Equal(
            HttpStatusCode.TooManyRequests,
            (await From(Attacker, _org.AdminKey).GetAsync($"{_org.Path}/groups")).StatusCode);
        Assert.Equal(
            HttpStatusCode.OK,
            (await From(Neighbour, _org.AdminKey).GetAsync($"{_org.Path}/groups")).StatusCode);
        await ProblemAsync(
            await From(Neighbour, WrongKey).GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokedAndGarbageKeysCountAsFailuresButRightKeysAndNoKeyDoNot()
    {
        var created = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "old", role = "admin" }));
        await _org.Admin.DeleteAsync($"{_org.Path}/api-keys/{created.Id()}");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(
                HttpStatusCode.OK,
                (await From(Attacker, _org.AdminKey).GetAsync($"{_org.Path}/groups")).StatusCode);
            Assert.Equal(
                HttpStatusCode.Unauthorized,
                (await From(Attacker).GetAsync($"{_org.Path}/groups")).StatusCode);
        }

        await ProblemAsync(
            await From(Attacker, created.Text("key")).GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.Unauthorized);
        await ProblemAsync(
            await From(Attacker, "garbage").GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.Unauthorized);
        await ProblemAsync(
            await From(Attacker, SwitchboardApp.OperatorToken + "x").GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.Unauthorized);

        await ProblemAsync(
            await From(Attacker, _org.AdminKey).GetAsync($"{_org.Path}/groups"),
            HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task AfterThreeFailedSignInsTheSourceIsRefusedWhateverTheEmail()
    {
        await _app.Operator().PostAsJsonAsync(
            $"{_org.Path}/panel-users",
            new { name = "Ada", email = "ada@example.org", password = PanelBrowser.Password });
        var browser = From(Attacker);
        foreach (var email in new[] { "a@example.org", "b@example.org", "ada@example.org" })
        {
            var failed = await PanelForms.SignInAsync(browser, email, "not the password");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("The email or the password is wrong.", await failed.Content.ReadAsStringAsync());
        }

        var refused = await PanelForms.SignInAsync(browser, "ada@example.org", PanelBrowser.Password);
        var elsewhere = await PanelForms.SignInAsync(From(Neighbour), "ada@example.org", PanelBrowser.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains(
            "Too many failed sign-ins from your network. Try again in 900 seconds.",
            await refused.Content.ReadAsStringAsync());
        Assert.Equal(
            "900",
            refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(
                System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.Equal("/panel", elsewhere.Headers.Location?.ToString());
    }

    [Fact]
    public async Task SignedWebhooksOverTheLimitGetTwiMLThatEndsTheCallPolitelyAndAnotherSourceIsStillRouted()
    {
        var provider = new TwilioProvider(From(Attacker));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(["Reject"], (await provider.CallAsync(Contact, GroupNumber)).Answer.Verbs);
        }

        var over = (await provider.CallAsync(Contact, GroupNumber)).Answer;
        var status = await provider.PostAsync(
            "/webhooks/twilio/status",
            new() { ["CallSid"] = provider.NewCallSid(), ["CallStatus"] = "completed" });
        var elsewhere = (await new TwilioProvider(From(Neighbour)).CallAsync(Contact, GroupNumber)).Answer;

        Assert.Equal(HttpStatusCode.OK, over.Status);
        Assert.Equal("text/xml", over.MediaType);
        Assert.Equal(["Say", "Hangup"], over.Verbs);
        Assert.Equal(TwiML.ErrorMessage, over.Text("Say"));
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Empty(status.Verbs);
        Assert.Equal(["Reject"], elsewhere.Verbs);
        Assert.Equal(5, (await _org.CallsAsync()).Count);
    }

    [Fact]
    public async Task UnsignedWebhookFloodNeverGetsA5xx()
    {
        var provider = new TwilioProvider(From(Attacker));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add(
                (await provider.SendAsync(
                    SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice",
                    new() { ["CallSid"] = $"CA{i}", ["From"] = Contact, ["To"] = GroupNumber },
                    "forged")).Status);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Forbidden));
        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task SourceMayTryAgainWhenTheWindowHasPassed()
    {
        using var app = new SwitchboardApp();
        app.Settings["Switchboard:RateLimits:FailedAuthentication:PermitLimit"] = "1";
        app.Settings["Switchboard:RateLimits:FailedAuthentication:Window"] = "00:00:01";
        var org = await TestOrganization.CreateAsync(app);
        var wrong = app.WithBearer(WrongKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync($"{org.Path}/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await org.Admin.GetAsync($"{org.Path}/groups")).StatusCode);

        // The limiter keeps real time (System.Threading.RateLimiting takes no TimeProvider): wait out its one-second
        // window.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            status = (await org.Admin.GetAsync($"{org.Path}/groups")).StatusCode;
        }
        while (status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
