using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Reports;

/// <summary>
/// Moves the day rows that changes of calls wrote (<see cref="CallReportDay"/>) into the month rows
/// (<see cref="CallReportMonth"/>) every <see cref="Interval"/>, off the routing path: a busy key's month row is
/// rewritten once per pass instead of once per call. On SQLite each batch of a pass enters the write gate after every
/// write already waiting, as the retention purge does.
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

    /// <summary>Day rows moved per transaction: a batch is over in milliseconds, so a call that writes a row of it
    /// waits that long at most, and a pass after a long pause (rows of days of calls) is many short transactions.
    /// </summary>
    public const int BatchRows = 1_000;

    /// <summary>One pass: the day rows folded in transactions of at most <see cref="BatchRows"/> rows, until a batch
    /// finds fewer (on PostgreSQL the rows that calls hold meanwhile are left to the next pass). Returns how many
    /// day rows it folded.</summary>
    public Task<int> FoldAsync(CancellationToken ct) => FoldAsync(BatchRows, ct);

    /// <inheritdoc cref="FoldAsync(CancellationToken)"/>
    internal async Task<int> FoldAsync(int batchRows, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var total = 0;
        int folded;
        do
        {
            await using var writer = await gate.EnterLastAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            folded = await CountChanges.FoldAsync(db, batchRows, ct);
            await transaction.CommitAsync(ct);
            total += folded;
        }
        while (folded == batchRows);

        return total;
    }
}
