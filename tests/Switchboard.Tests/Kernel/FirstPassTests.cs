using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Kernel;

namespace Switchboard.Tests.Kernel;

public sealed class FirstPassTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WaitAsync_TimeBeforeTheAppServes_DoesNotCount()
    {
        var lifetime = new Lifetime();
        var clock = new FakeTimeProvider();
        var waiting = FirstPass.WaitAsync(lifetime, clock, Delay, CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await EndsSoonAsync(waiting));

        lifetime.Serve();
        clock.Advance(Delay - TimeSpan.FromMilliseconds(1));
        Assert.False(await EndsSoonAsync(waiting));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task WaitAsync_NoDelay_EndsWhenTheAppServes()
    {
        var lifetime = new Lifetime();
        var waiting = FirstPass.WaitAsync(lifetime, new FakeTimeProvider(), TimeSpan.Zero, CancellationToken.None);

        lifetime.Serve();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task WaitAsync_AppStopsBeforeTheDelay_False()
    {
        var lifetime = new Lifetime();
        var clock = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var waiting = FirstPass.WaitAsync(lifetime, clock, Delay, stopping.Token);

        lifetime.Serve();
        await stopping.CancelAsync();

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A short real wait, only to see that the pass does not start early; it never decides a pass.</summary>
    private static async Task<bool> EndsSoonAsync(Task<bool> waiting) =>
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(200))) == waiting;

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Serve() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
