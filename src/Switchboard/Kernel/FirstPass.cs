namespace Switchboard.Kernel;

/// <summary>
/// Background work that would start at once (the events outbox, the retention purge, the numbers' check) waits until
/// the app serves and <see cref="BackgroundOptions.FirstPassDelay"/> more: a cold instance gives its first seconds and
/// both cores to its first calls, and nothing those passes do is due to the second.
/// </summary>
internal static class FirstPass
{
    /// <summary>False when the app stops first.</summary>
    public static async Task<bool> WaitAsync(
        IHostApplicationLifetime lifetime, TimeProvider clock, TimeSpan delay, CancellationToken ct)
    {
        var serving = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => serving.TrySetResult(clock.GetUtcNow())))
        using (ct.Register(() => serving.TrySetCanceled(ct)))
        {
            await serving.Task.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (!serving.Task.IsCompletedSuccessfully)
        {
            return false;
        }

        // Counted from the moment the app served, whenever this continuation runs.
        var rest = serving.Task.Result + delay - clock.GetUtcNow();
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return !ct.IsCancellationRequested;
    }
}
