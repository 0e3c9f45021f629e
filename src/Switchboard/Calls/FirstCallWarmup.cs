using Microsoft.AspNetCore.DataProtection;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// Readies, in the background while the host is still starting, what a new instance's first call would otherwise do
/// for the first time while its caller waits: the routing statement prepared on a kept connection, a call record
/// tracked by EF (its change-tracking code is built on first use: ~0.3 s of the first call in the profile), and the
/// Data Protection key ring read through EF (its first query; the framework would read it before the port opens).
/// Nothing is written but a first key where there is none, as the framework would. It starts before the other hosted
/// services and Kestrel, and nothing waits for it: a call that comes first does the same work itself.
/// </summary>
internal sealed class FirstCallWarmup(
    IServiceScopeFactory scopes,
    RoutingFactsReader facts,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<FirstCallWarmup> log) : IHostedLifecycleService, IDisposable
{
    // A number no one owns (555-01xx is reserved for fiction): the statement runs and finds nothing.
    private const string NoSuchNumber = "+15550100199";

    private readonly CancellationTokenSource _stopping = new();
    private Task _warming = Task.CompletedTask;

    /// <summary>Done once the work is ready (or failed, logged): for tests, which nothing else waits on.</summary>
    internal Task Warming => _warming;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _warming = Task.Run(() => WarmAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task WarmAsync(CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var routingFacts = await facts.ReadAsync(NoSuchNumber, NoSuchNumber, now, ct);
            var call = CallRecord.Decided(
                "warmup", NoSuchNumber, NoSuchNumber, routingFacts, RoutingPolicy.Decide(routingFacts), now);
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
                db.Calls.Add(call);
                db.ChangeTracker.Clear();
            }

            protection.CreateProtector(nameof(FirstCallWarmup)).Protect([]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Warming up for the first call failed; the first call will do it");
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _warming.ContinueWith(
            _ => { },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class FirstCallWarmupSetup
{
    /// <summary>
    /// Last of the registrations (AddDataProtection, which the panel's antiforgery calls too, would add it back):
    /// Data Protection's own hosted service, which reads the key ring before the port opens, goes.
    /// </summary>
    public static IServiceCollection AddFirstCallWarmup(this IServiceCollection services)
    {
        services.AddHostedService<FirstCallWarmup>();
        foreach (var keyRingAtStart in services
            .Where(d => d.ImplementationType?.FullName == DataProtectionAtStart)
            .ToList())
        {
            services.Remove(keyRingAtStart);
        }

        return services;
    }

    /// <summary>Internal to the framework: renamed, it would stay (FirstCallWarmupTests would fail).</summary>
    private const string DataProtectionAtStart =
        "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
}
