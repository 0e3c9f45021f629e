using System.Net;
using System.Text.Json;
using Switchboard.Calls;
using Switchboard.Phones;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

using Switchboard.Network;

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

    /// <summary>
    /// A provider's REST client twice: <paramref name="client"/> for the operator's global account, and
    /// <paramref name="guardedClient"/> for organizations' own accounts, behind the network guard and with a
    /// pipeline (so a circuit breaker) per host: an organization whose <c>apiBaseUrl</c> fails cannot open the
    /// circuit for another's.
    /// </summary>
    public static void AddProviderClients(
        this IServiceCollection services,
        string client,
        string guardedClient,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>, TwilioOptions> resilience)
    {
        services.AddHttpClient(client).AddResilienceHandler(client, (pipeline, context) => resilience(
            pipeline, context.ServiceProvider.GetRequiredService<IOptions<SwitchboardOptions>>().Value.Twilio));
        services.AddHttpClient(guardedClient)
            .UseNetworkGuard(o => o.Providers.AllowedNetworks)
            .AddResilienceHandler(guardedClient, (pipeline, context) => resilience(
                pipeline, context.ServiceProvider.GetRequiredService<IOptions<SwitchboardOptions>>().Value.Twilio))
            .SelectPipelineByAuthority();
    }
}

/// <summary>
/// The one path every provider's placer takes: send the request that creates a call, then map the answer to a
/// <see cref="PlaceResult"/>. The provider's folder keeps only its dialect: the request's shape, and how its answer
/// names the call (<c>placed</c>) and words an error (<c>refused</c>).
/// </summary>
public static class CallPlacing
{
    /// <summary>
    /// Sends <paramref name="request"/> once (only what never left is retried, by the client's pipeline).
    /// </summary>
    public static async Task<PlaceResult> SendAsync(
        HttpClient http,
        HttpRequestMessage request,
        Func<JsonElement?, PlaceResult> placed,
        Func<JsonElement?, ProviderError> refused,
        ILogger log,
        CancellationToken ct)
    {
        var api = request.RequestUri?.GetLeftPart(UriPartial.Authority);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var json = Parse(await response.Content.ReadAsStringAsync(ct));
            return response.IsSuccessStatusCode ? placed(json) : Refused(response.StatusCode, refused(json));
        }
        // The API's address and the socket's words go to the operator's log only: the detail reaches admins (answers,
        // call log).
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning(e, "The provider's API at {ApiBaseUrl} could not be reached", api);
            return new PlaceResult.NotSent("The provider's API could not be reached");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning(e, "No answer from the provider's API at {ApiBaseUrl}", api);
            return new PlaceResult.Uncertain(e is HttpRequestException
                ? "The provider's API broke off the request"
                : "No answer from the provider's API in time");
        }
    }

    /// <summary>A success that names the call (its status, when the answer has one: queued otherwise).</summary>
    public static PlaceResult Placed(string? callId, CallStatus? status, Provider provider) =>
        callId is { Length: > 0 }
            ? new PlaceResult.Placed(callId, status ?? CallStatus.Queued, provider.Segment())
            : new PlaceResult.Uncertain("The provider answered success without a call id");

    /// <summary>A string member of a JSON object; null for anything else.</summary>
    public static string? Text(JsonElement? json, string name) =>
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>
    /// The provider's error, masked here, so that the agent's number the provider may quote reaches no log, record or
    /// other person, and cut to 300 characters.
    /// </summary>
    private static PlaceResult Refused(HttpStatusCode status, ProviderError error)
    {
        var message = error.Words is { Length: > 0 } words ? PhoneMask.MaskAll(words) : $"{(int)status} {status}";
        return new PlaceResult.Refused(
            (int)status, error.Code, message.Length <= 300 ? message : message[..300], error.MoreInfo);
    }

    private static JsonElement? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What a provider's error answer says, in its own words: its code, its message, its link for more.</summary>
public sealed record ProviderError(int? Code, string? Words, string? MoreInfo = null);
