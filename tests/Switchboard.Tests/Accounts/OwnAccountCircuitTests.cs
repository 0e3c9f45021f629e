using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Support;
using Switchboard.Twilio;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// Organizations' own accounts share a client per provider to place calls, but not a circuit breaker: one
/// organization whose API answers nothing but errors (enough to open its circuit) leaves another organization's API
/// reachable. (Reads have no breaker: they retry.)
/// </summary>
[Trait("Database", "yes")]
public sealed class OwnAccountCircuitTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private WebApplication _failing = null!;
    private WebApplication _healthy = null!;
    private string _failingUrl = "";
    private string _healthyUrl = "";

    public async Task InitializeAsync()
    {
        (_failing, _failingUrl) = await StartAsync(HttpStatusCode.ServiceUnavailable);
        (_healthy, _healthyUrl) = await StartAsync(HttpStatusCode.OK);
        _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        // A request the open circuit refuses is retried only after 30 s, past the 9 s a request may take in all: it
        // fails, where a request to a closed circuit answers at once. The breaker samples over 9 s.
        _app.Settings["Switchboard:Twilio:ApiAttemptTimeout"] = "00:00:03";
        _app.Settings["Switchboard:Twilio:ApiRetryDelay"] = "00:00:30";
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _failing.DisposeAsync();
        await _healthy.DisposeAsync();
    }

    /// <summary>An organization's provider API, played as one that always answers <paramref name="status"/>.</summary>
    private static async Task<(WebApplication App, string Url)> StartAsync(HttpStatusCode status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = (int)status;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First());
    }

    /// <remarks>
    /// Every provider's own-account client is registered by the same helper
    /// (<c>ProviderHttp.AddProviderClients</c>), so one of them stands for all.
    /// </remarks>
    [Fact]
    public async Task OneOrganizationsFailingApiDoesNotOpenTheCircuitForAnothers()
    {
        var http = _app.Services.GetRequiredService<IHttpClientFactory>()
            .CreateClient(TwilioCallPlacer.GuardedClient);

        // The breaker's minimum throughput (100) at a failure ratio of 100 %: the failing API's circuit opens.
        for (var i = 0; i < 100; i++)
        {
            using var failed = await http.GetAsync(_failingUrl);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        using var other = await http.GetAsync(_healthyUrl);

        // With one pipeline for every host this request meets the open circuit and fails (checked by hand).
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
