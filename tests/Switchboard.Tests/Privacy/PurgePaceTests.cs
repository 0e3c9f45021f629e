using Switchboard.Privacy;

namespace Switchboard.Tests.Privacy;

/// <summary>The purge's batch sizes and rests, against databases simulated by their cost per row.</summary>
public sealed class PurgePaceTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(5);

    [Fact]
    public void After_SlowBatch_ShrinksTheNextToFitTheBudget()
    {
        var pace = new PurgePace(new RetentionOptions { BatchSize = 1000, BatchBudget = Budget });

        pace.After(pace.BatchSize, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));

        Assert.Equal(4, pace.BatchSize);
    }

    [Fact]
    public void After_QuickBatches_GrowAtMostTwofoldUpToTheBatchSize()
    {
        var pace = new PurgePace(new RetentionOptions { BatchSize = 100, BatchBudget = Budget });
        var sizes = new List<int> { pace.BatchSize };

        for (var i = 0; i < 4; i++)
        {
            pace.After(pace.BatchSize, TimeSpan.FromMicroseconds(10), TimeSpan.FromMicroseconds(10));
            sizes.Add(pace.BatchSize);
        }

        Assert.Equal([16, 32, 64, 100, 100], sizes);
    }

    [Fact]
    public void After_Batch_RestsSoThatThePurgeWorksOnlyItsShareOfTheTime()
    {
        var pace = new PurgePace(new RetentionOptions { BatchBudget = Budget, WorkShare = 0.2 });

        var rest = pace.After(16, TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(7));

        Assert.Equal(TimeSpan.FromMilliseconds(28), rest);
    }

    [Theory]
    [InlineData(0.002, 0.5)]
    [InlineData(0.05, 1)]
    [InlineData(0.4, 2)]
    public void Purge_OnADatabaseOfAnySpeed_SettlesOnBatchesWithinTheBudget(double msPerRow, double msPerBatch)
    {
        var pace = new PurgePace(new RetentionOptions { BatchSize = 5000, BatchBudget = Budget });
        var held = new List<TimeSpan>();
        var (working, resting) = (TimeSpan.Zero, TimeSpan.Zero);

        for (var i = 0; i < 40; i++)
        {
            var rows = pace.BatchSize;
            var holding = TimeSpan.FromMilliseconds(msPerBatch + rows * msPerRow);
            held.Add(holding);
            working += holding;
            resting += pace.After(rows, holding, holding);
        }

        var settled = held.Skip(10).ToList();
        Assert.All(settled, h => Assert.True(h <= Budget * 1.01, $"a batch held the writer {h.TotalMilliseconds} ms"));
        Assert.True(settled.Average(h => h / Budget) > 0.5, "batches stay far below the budget");
        Assert.Equal(0.2, working / (working + resting), 3);
    }
}
