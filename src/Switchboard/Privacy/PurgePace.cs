namespace Switchboard.Privacy;

/// <summary>
/// How many rows the purge deletes at a time, and how long it rests after. A batch should hold the database's writer
/// for about <see cref="RetentionOptions.BatchBudget"/>: the next size follows the rate of the last batch (shrinking at
/// once when the database slows, growing at most twofold, so one quick batch on a warm cache does not overshoot). The
/// rest after a batch is its work time × (1 − share) / share, so the purge takes at most
/// <see cref="RetentionOptions.WorkShare"/> of the time, however fast or slow the database is today.
/// </summary>
internal sealed class PurgePace(RetentionOptions settings)
{
    private const int FirstBatch = 16;

    private readonly int _most = Math.Max(1, settings.BatchSize);
    private readonly double _share = Math.Clamp(settings.WorkShare, 0.01, 1);

    public int BatchSize { get; private set; } = Math.Min(FirstBatch, Math.Max(1, settings.BatchSize));

    /// <summary>
    /// After a batch of <paramref name="rows"/> that held the writer for <paramref name="holding"/> and worked for
    /// <paramref name="working"/> in all (finding the rows, and on SQLite checkpointing after): the rest to take.
    /// </summary>
    public TimeSpan After(int rows, TimeSpan holding, TimeSpan working)
    {
        var fitting = holding > TimeSpan.Zero ? rows * (settings.BatchBudget / holding) : double.MaxValue;
        BatchSize = (int)Math.Clamp(Math.Min(fitting, 2.0 * BatchSize), 1, _most);
        return working * ((1 - _share) / _share);
    }
}
