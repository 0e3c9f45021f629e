using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Switchboard.Authorization;

public enum Failure { Authentication, SignIn }

/// <summary>
/// Counts failed bearer authentications and failed panel sign-ins per source address, with the fixed-window limiters of
/// System.Threading.RateLimiting (what ASP.NET Core's rate-limiting middleware runs on). Only failures use up the
/// window; once a source has used it up, every attempt from it is refused with 429 until the window ends, a right
/// one too, so that the answer tells a guesser nothing.
/// </summary>
public sealed class FailureLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _authentication;
    private readonly PartitionedRateLimiter<string>? _signIns;

    public FailureLimits(IOptions<SwitchboardOptions> options)
    {
        var limits = options.Value.RateLimits;
        _authentication = Create(limits.FailedAuthentication);
        _signIns = Create(limits.FailedSignIns);
    }

    /// <summary>
    /// The connection's remote address. Behind a reverse proxy, let ASP.NET Core's forwarded-headers middleware set it.
    /// </summary>
    public static string Source(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>How long the source must wait before it may try again; null when it may try now.</summary>
    public TimeSpan? Wait(Failure kind, HttpContext http)
    {
        if (For(kind) is not { } limiter)
        {
            return null;
        }

        using var lease = limiter.AttemptAcquire(Source(http), 0);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    public void Count(Failure kind, HttpContext http)
    {
        using var lease = For(kind)?.AttemptAcquire(Source(http));
    }

    /// <summary>Whole seconds, rounded up, as <c>Retry-After</c> takes them.</summary>
    public static string Seconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _authentication?.Dispose();
        _signIns?.Dispose();
    }

    private PartitionedRateLimiter<string>? For(Failure kind) =>
        kind == Failure.Authentication ? _authentication : _signIns;

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string>? Create(RateLimit limit) =>
        limit.PermitLimit <= 0 ? null : PartitionedRateLimiter.Create<string, string>(source =>
            RateLimitPartition.GetFixedWindowLimiter(source, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}

public static class RateLimits
{
    /// <summary>
    /// Failed authentications and sign-ins per source (webhook traffic has its own policy, at the provider's edge).
    /// </summary>
    public static IServiceCollection AddSwitchboardRateLimits(this IServiceCollection services) =>
        services.AddSingleton<FailureLimits>();
}
