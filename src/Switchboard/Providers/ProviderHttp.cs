using Switchboard.Calls;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Switchboard.Providers;

/// <summary>
/// How a request to a provider's REST API failed, for every provider alike: never sent (safe to send again, and
/// "could not be reached"), or sent and unanswered (it may have reached the provider).
/// </summary>
public static class ProviderHttp
{
    /// <summary>
    /// Only a request that certainly never left (no connection, no such host, the circuit open, the rate limiter) is
    /// safe to send again when it creates something, or the agent could be rung twice.
    /// </summary>
    public static bool NeverSent(Exception? e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError } =>
            true,
        BrokenCircuitException or RateLimiterRejectedException => true,
        _ => e?.InnerException is { } inner && NeverSent(inner),
    };

    /// <summary>
    /// The request broke off or timed out, and not because Switchboard itself is stopping: it may have reached the
    /// provider.
    /// </summary>
    public static bool Unanswered(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested
            && e is HttpRequestException or TimeoutRejectedException or TimeoutException or OperationCanceledException;

    /// <summary>
    /// For requests that create something (a call): the standard handler's strategies, outermost first — a total
    /// timeout, retries only of requests that never reached the provider (<see cref="NeverSent"/>), a circuit
    /// breaker, and a timeout per attempt. Timeouts and pauses are wall-clock time, whatever clock the app keeps for
    /// its records (a test's is fake).
    /// </summary>
    public static void CreateResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TwilioOptions twilio)
    {
        pipeline.TimeProvider = TimeProvider.System;
        pipeline
            .AddTimeout(twilio.ApiAttemptTimeout * 3)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                Delay = twilio.ApiRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(NeverSent(args.Outcome.Exception)),
            })
            .AddCircuitBreaker(
                new HttpCircuitBreakerStrategyOptions { SamplingDuration = twilio.ApiAttemptTimeout * 3 })
            .AddTimeout(twilio.ApiAttemptTimeout);
    }
}

/// <summary>The answers every provider's placer gives alike.</summary>
public static class PlaceResults
{
    /// <summary>The request broke off or timed out: it may have reached the provider, so the call may exist.</summary>
    public static PlaceResult NoAnswer(Exception e) => new PlaceResult.Uncertain(e is HttpRequestException
        ? "The provider's API broke off the request"
        : "No answer from the provider's API in time");
}
