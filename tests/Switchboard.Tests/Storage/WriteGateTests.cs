using Switchboard.Storage;

namespace Switchboard.Tests.Storage;

public sealed class WriteGateTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EnterLast_WritersQueuedBehindIt_GoFirst()
    {
        var gate = new WriteGate(serialize: true);
        var first = await gate.EnterAsync(CancellationToken.None);
        var purge = gate.EnterLastAsync(CancellationToken.None);
        var call = gate.EnterAsync(CancellationToken.None);

        await first.DisposeAsync();
        var callsTurn = await call.WaitAsync(Wait);

        Assert.False(purge.IsCompleted);
        await callsTurn.DisposeAsync();
        await (await purge.WaitAsync(Wait)).DisposeAsync();
    }

    [Fact]
    public async Task EnterLast_NoOneWaiting_EntersAtOnce()
    {
        var gate = new WriteGate(serialize: true);

        await using var purge = await gate.EnterLastAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.False(gate.EnterAsync(CancellationToken.None).IsCompleted);
    }
}
