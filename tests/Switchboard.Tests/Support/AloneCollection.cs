namespace Switchboard.Tests.Support;

/// <summary>
/// Tests that run on their own, after the others: those that count what the whole process measures (meters are
/// found by name across the process, so a test host would also count the calls of tests beside it), and those that
/// time an answer against a limit in seconds (beside a full parallel run on two cores, a thread may wait seconds
/// for its turn, and the limit would measure the suite rather than the app).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
