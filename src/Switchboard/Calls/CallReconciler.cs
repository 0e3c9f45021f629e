using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// Ends the calls that were left open: a call with no outcome (an outbound call not over) and no webhook for
/// <see cref="CallsOptions.ReconcileAfter"/> is looked up at the provider and ended from its answer; a call the
/// provider cannot tell about (no account, no provider sid, unknown there, or failing) is ended as unknown once it is
/// <see cref="CallsOptions.GiveUpAfter"/> old. Each call is changed through <see cref="CallChanges"/>, so its event is
/// raised once, with the change that ends it, whichever instance gets there first.
/// </summary>
public sealed class CallReconciler(
    SwitchboardDb db,
    CallChanges changes,
    ICallLookup provider,
    IOptions<SwitchboardOptions> options,
    TimeProvider clock,
    ILogger<CallReconciler> log)
{
    private const int Batch = 100;

    private CallsOptions Settings => options.Value.Calls;

    /// <summary>One pass; returns how many calls it ended.</summary>
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var quiet = now - Settings.ReconcileAfter;
        var open = await db.Calls.AsNoTracking()
            .Where(c => c.ReconciledAt == null && c.StartedAt < quiet
                && (c.Direction == CallDirection.Inbound
                    ? c.Outcome == null
                    : c.Stage != OutboundStage.Ended
                        || (c.Screening == ScreeningResult.Accepted && c.DialStatus == null))
                && (c.ScreenedAt == null || c.ScreenedAt < quiet)
                && (c.FallbackStartedAt == null || c.FallbackStartedAt < quiet)
                && !c.Statuses.Any(s => s.At >= quiet))
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.CallSid, c.Provider, c.StartedAt })
            .Take(Batch)
            .ToListAsync(ct);

        var ended = 0;
        foreach (var call in open)
        {
            var sid = call.CallSid.StartsWith(CallRecord.LocalSidPrefix, StringComparison.Ordinal)
                ? null
                : call.CallSid;
            var answer = sid is not null && provider.Configured
                ? await provider.LookupAsync(call.Provider, sid, ct)
                : new CallLookup.Unknown();
            var giveUp = call.StartedAt < now - Settings.GiveUpAfter;
            bool? done = answer switch
            {
                CallLookup.Found found =>
                    await changes.ApplyAsync(
                        call.Id,
                        c => c.EndFromProvider(found.Status, found.DurationSeconds, found.EndedAt, now),
                        ct),
                _ when giveUp => await changes.ApplyAsync(call.Id, c =>
                {
                    c.EndAsUnknown(now);
                    return true;
                }, ct),
                _ => false,
            };
            if (done is true)
            {
                ended++;
                log.LogInformation("Call {CallId} left open: ended by the reconciler ({Answer})", call.Id, answer switch
                {
                    CallLookup.Found found => $"the provider says {CallStatuses.Name(found.Status)}",
                    CallLookup.Failed failed => $"the provider failed: {failed.Detail}",
                    _ => "unknown at the provider",
                });
            }
        }

        return ended;
    }
}

/// <summary>Runs the reconciler every <see cref="CallsOptions.ReconcileInterval"/>.</summary>
public sealed class CallReconcilerService(
    IServiceScopeFactory scopes,
    IOptions<SwitchboardOptions> options,
    ILogger<CallReconcilerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // The pace is wall-clock time even under a test's fake clock; what is due is the injected clock's.
            await Task.Delay(options.Value.Calls.ReconcileInterval, TimeProvider.System, stoppingToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CallReconciler>().ReconcileAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Reconciling open calls failed; trying again on the next pass");
            }
        }
    }
}
