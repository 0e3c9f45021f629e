using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Network;
using Switchboard.Storage;

namespace Switchboard.Events;

/// <summary>Where the organization's call events go; the secret is kept as it is when left out, and made when there is none.</summary>
public sealed record CallEventsRequest(string? Url, string? Secret);

/// <summary>
/// The setting as admins see it. The secret is in full only in the answer that made it (<see cref="Secret"/>);
/// afterwards only its last four characters (<see cref="SecretHint"/>).
/// </summary>
public sealed record CallEventsAnswer(string? Url, string? SecretHint, string? Secret = null);

/// <summary>One event in the outbox: <c>pending</c>, <c>delivered</c> or <c>failed</c> (given up), with its attempts.</summary>
public sealed record CallEventDelivery(
    Guid Id,
    string Type,
    long CallId,
    string Status,
    int Attempts,
    DateTime CreatedAt,
    DateTime? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTime? NextAttemptAt,
    DateTime? DeliveredAt,
    DateTime? GaveUpAt);

public sealed record DeliveryPage(IReadOnlyList<CallEventDelivery> Items, long? NextBefore);

/// <summary>The organization's events URL and secret, and its deliveries, as the admin API and the panel show them.</summary>
public sealed class CallEventSettings(SwitchboardDb db, TimeProvider clock, NetworkGuard guard, IOptions<SwitchboardOptions> options)
{
    public const int PageSize = 50;
    public const string TurnedOff = "Call events were turned off";

    public async Task<CallEventsAnswer> GetAsync(long orgId, CancellationToken ct)
    {
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        return Answer(organization, null);
    }

    public async Task<Answer<CallEventsAnswer>> SetAsync(long orgId, CallEventsRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var url = request.Url?.Trim();
        if (UrlProblem(url) is { } urlProblem)
        {
            errors["url"] = [urlProblem];
        }
        else if (await guard.UrlProblemAsync(new Uri(url!), options.Value.CallEvents.AllowedNetworks, ct) is { } refused)
        {
            errors["url"] = [refused];
        }

        var secret = string.IsNullOrEmpty(request.Secret) ? null : request.Secret;
        if (secret is not null && (secret.Length is < 16 or > 200 || secret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors["secret"] = ["must be 16 to 200 characters without spaces"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        string? made = null;
        if (secret is null && organization.CallEventsSecret is null)
        {
            made = secret = CallEventSignature.NewSecret();
        }

        organization.CallEventsUrl = url;
        organization.CallEventsSecret = secret ?? organization.CallEventsSecret;
        await db.SaveChangesAsync(ct);
        return Answer(organization, made);
    }

    /// <summary>No more events are kept; those still waiting are given up (the deliveries list says why).</summary>
    public async Task TurnOffAsync(long orgId, CancellationToken ct)
    {
        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        organization.CallEventsUrl = null;
        organization.CallEventsSecret = null;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var waiting in await db.CallEvents.Where(e => e.OrganizationId == orgId && e.DeliveredAt == null && e.GaveUpAt == null).ToListAsync(ct))
        {
            waiting.GiveUp(TurnedOff, now);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Newest first; <c>before</c> is a previous page's <c>nextBefore</c>.</summary>
    public async Task<Answer<DeliveryPage>> DeliveriesAsync(long orgId, string? before, CancellationToken ct)
    {
        long? last = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Refusal.OnField("before", "must be the nextBefore of a previous page");
            }

            last = parsed;
        }

        var query = db.CallEvents.AsNoTracking().Where(e => e.OrganizationId == orgId);
        query = last is { } id ? query.Where(e => e.Id < id) : query;
        var rows = await query.OrderByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(ct);
        var items = rows.Take(PageSize).Select(Delivery).ToList();
        return new DeliveryPage(items, rows.Count > PageSize ? rows[PageSize - 1].Id : null);
    }

    public static string? UrlProblem(string? url) =>
        string.IsNullOrEmpty(url) ? "is required"
        : url.Length > 2000 ? "must be at most 2000 characters"
        : !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0
            ? $"{url} is not an http(s) URL (without a password or #fragment)"
        : null;

    private static CallEventsAnswer Answer(Organization organization, string? madeSecret) => new(
        organization.CallEventsUrl,
        organization.CallEventsSecret is { Length: > 4 } s ? "…" + s[^4..] : null,
        madeSecret);

    private static CallEventDelivery Delivery(CallEvent e) => new(
        e.EventId,
        e.Type,
        e.CallId,
        e.DeliveredAt is not null ? "delivered" : e.GaveUpAt is not null ? "failed" : "pending",
        e.Attempts,
        e.CreatedAt,
        e.LastAttemptAt,
        e.LastStatusCode,
        e.LastError,
        e.Pending ? e.NextAttemptAt : null,
        e.DeliveredAt,
        e.GaveUpAt);
}
