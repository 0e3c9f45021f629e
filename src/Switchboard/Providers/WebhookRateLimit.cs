using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Switchboard.Authorization;

namespace Switchboard.Providers;

/// <summary>
/// Webhook requests per source address, with ASP.NET Core's rate-limiting middleware. Over the limit a request gets
/// its endpoint's fallback TwiML (200): the provider treats a 429 as an application error and would play its own
/// error message, so a real caller hears Switchboard's polite goodbye instead, and a flood learns nothing.
/// </summary>
public sealed class WebhookRateLimit(IOptions<SwitchboardOptions> options, ILogger<WebhookRateLimit> log)
    : IRateLimiterPolicy<string>
{
    public const string Policy = "webhooks";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, ct) =>
    {
        var http = context.HttpContext;
        log.LogWarning(
            "Webhook traffic from {Source} is over its limit; ending the call politely at {Path}",
            FailureLimits.Source(http),
            http.Request.Path);
        var fallback = http.GetEndpoint()?.Metadata.GetMetadata<WebhookFallback>()?.Document ?? WebhookFallback.Hangup;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = WebhookFallback.ContentType;
        await http.Response.WriteAsync(fallback, ct);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limit = options.Value.RateLimits.Webhooks;
        return limit.PermitLimit <= 0
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetFixedWindowLimiter(
                FailureLimits.Source(httpContext),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
    }
}

public static class WebhookRateLimits
{
    /// <summary>
    /// Webhook traffic per source (Switchboard:RateLimits:Webhooks); the endpoints opt in with
    /// <see cref="WebhookRateLimit.Policy"/>.
    /// </summary>
    public static IServiceCollection AddWebhookRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(o => o.AddPolicy<string, WebhookRateLimit>(WebhookRateLimit.Policy));
}
