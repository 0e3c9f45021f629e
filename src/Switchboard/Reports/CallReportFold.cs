using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Reports;

/// <summary>
/// Moves the day rows that changes of calls wrote (<see cref="CallReportDay"/>) into the month rows
/// (<see cref="CallReportMonth"/>) every <see cref="Interval"/>, off the routing path: a busy key's month row is
/// rewritten once per pass instead of once per call. On SQLite a pass enters the write gate after every write
/// already waiting, as the retention purge does.
/// </summary>
public sealed class CallReportFold(
    IServiceScopeFactory scopes,
    IOptions<SwitchboardOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<CallReportFold> log)
    : BackgroundService
{
    /// <summary>Short enough that a day row holds a few minutes of calls (tens of histogram pairs at most), long
    /// enough that a busy key's month row (~100 KB of days at 10k calls a day, docs/reports.md) is rewritten at most
    /// 288 times a day.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await FirstPass.WaitAsync(lifetime, clock, options.Value.Background.FirstPassDelay, stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FoldAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Folding the call report's day rows failed; the next pass folds them");
            }

            await Task.Delay(Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass: every day row folded in one transaction. Returns how many day rows it folded.</summary>
    public async Task<int> FoldAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await using var writer = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterLastAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var folded = await CountChanges.FoldAsync(db, ct);
        await transaction.CommitAsync(ct);
        return folded;
    }
}
