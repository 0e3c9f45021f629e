using Microsoft.Extensions.Options;

namespace Switchboard.Calls.Voicemail;

/// <summary>
/// Every <see cref="VoicemailOptions.SweepInterval"/>: raises the events whose transcript was waited for long enough,
/// and deletes recordings past their organization's retention. Several instances may run it: raising an event is
/// guarded by the voicemail's version, and deleting a recording twice finds it gone the second time.
/// </summary>
public sealed class VoicemailSweeper(
    IServiceScopeFactory scopes,
    IOptions<SwitchboardOptions> options,
    ILogger<VoicemailSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // The pace is wall-clock time even under a test's fake clock; what is due is the injected clock's.
            await Task.Delay(options.Value.Voicemail.SweepInterval, TimeProvider.System, stoppingToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<Voicemails>().SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "The voicemail sweep failed; trying again on the next one");
            }
        }
    }
}
