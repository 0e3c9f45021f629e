using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Audit;
using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Network;
using Switchboard.Storage;

namespace Switchboard.Events;

/// <summary>
/// Where the organization's call events go; the secret is kept as it is when left out, and made when there is none.
/// </summary>
public sealed record CallEventsRequest(string? Url, string? Secret);

/// <summary>
/// The setting as admins see it. The secret is in full only in the answer that made it (<see cref="Secret"/>);
/// afterwards only its last four characters (<see cref="SecretHint"/>).
/// </summary>
public sealed record CallEventsAnswer(string? Url, string? SecretHint, string? Secret = null);

/// <summary>
/// One event in the outbox: <c>pending</c>, <c>delivered</c> or <c>failed</c> (given up), with its attempts.
/// </summary>
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
    DateTime? GaveUpAt,
    DateTime? RequeuedAt);

/// <summary>
/// Every event raised from <c>from</c> to <c>to</c> (at most <see cref="CallEventSettings.MaxReplayDays"/> days) is
/// sent again.
/// </summary>
public sealed record CallEventReplayRequest(DateTimeOffset? From, DateTimeOffset? To);

/// <summary>
/// How many events were queued again; events still waiting to be sent are left as they are and not counted.
/// </summary>
public sealed record CallEventReplayAnswer(DateTime From, DateTime To, int Queued);

public sealed record DeliveryPage(IReadOnlyList<CallEventDelivery> Items, long? NextBefore);

/// <summary>
/// The organization's events URL and secret, and its deliveries, as the admin API and the panel show them.
/// </summary>
public sealed class CallEventSettings(
    SwitchboardDb db,
    TimeProvider clock,
    NetworkGuard guard,
    IOptions<SwitchboardOptions> options,
    AuditTrail trail,
    WriteGate gate)
{
    public const int PageSize = 50;
    public const int MaxReplayDays = 31;
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
        else if (await guard.UrlProblemAsync(
            new Uri(url!),
            options.Value.CallEvents.AllowedNetworks,
            ct) is { } refused)
        {
            errors["url"] = [refused];
        }

        var secret = string.IsNullOrEmpty(request.Secret) ? null : request.Secret;
        if (secret is not null
            && (secret.Length is < 16 or > 200 || secret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
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
        foreach (var waiting in await db.CallEvents.Where(e => e.OrganizationId == orgId
            && e.DeliveredAt == null
            && e.GaveUpAt == null).ToListAsync(ct))
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

    /// <summary>
    /// A delivered or failed event is sent again with the same id; one still waiting is left as it is.
    /// </summary>
    public async Task<Answer<CallEventDelivery>> ResendAsync(long orgId, Guid eventId, CancellationToken ct)
    {
        var callEvent = await db.CallEvents.FirstOrDefaultAsync(
            e => e.OrganizationId == orgId && e.EventId == eventId,
            ct);
        if (callEvent is null)
        {
            return new Refusal.Missing("delivery");
        }

        if (await TurnedOffAsync(orgId, ct) is { } off)
        {
            return off;
        }

        if (callEvent.Pending)
        {
            return new Refusal.Unavailable(
                "Event still waiting",
                $"Event {eventId} has not been delivered or given up yet: it is sent as it is.");
        }

        var was = Status(callEvent);
        callEvent.Requeue(clock.GetUtcNow().UtcDateTime);
        db.AuditEntries.Add(
            await trail.ActionAsync(
                db,
                orgId,
                AuditAction.Resent,
                AuditTrail.CallEventType,
                eventId.ToString(),
                [new("status", was, "pending")],
                ct));
        await db.SaveChangesAsync(ct);
        return Delivery(callEvent);
    }

    /// <summary>
    /// Queues again every event of the organization raised in the range, so that its platform can rebuild what it lost.
    /// </summary>
    public async Task<Answer<CallEventReplayAnswer>> ReplayAsync(
        long orgId,
        CallEventReplayRequest request,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.From is null)
        {
            errors["from"] = ["is required"];
        }

        if (request.To is null)
        {
            errors["to"] = ["is required"];
        }
        else if (request.From is { } start && request.To <= start)
        {
            errors["to"] = ["must be after from"];
        }
        else if (request.From is { } first && request.To - first > TimeSpan.FromDays(MaxReplayDays))
        {
            errors["to"] = [$"must be at most {MaxReplayDays} days after from"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        if (await TurnedOffAsync(orgId, ct) is { } off)
        {
            return off;
        }

        var from = request.From!.Value.UtcDateTime;
        var to = request.To!.Value.UtcDateTime;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var queued = await db.CallEvents
            .Where(e => e.OrganizationId == orgId
                && e.CreatedAt >= from
                && e.CreatedAt < to
                && (e.DeliveredAt != null || e.GaveUpAt != null))
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(e => e.DeliveredAt, (DateTime?)null)
                    .SetProperty(e => e.GaveUpAt, (DateTime?)null)
                    .SetProperty(e => e.RequeuedAt, now)
                    .SetProperty(e => e.NextAttemptAt, now),
                ct);
        var answer = new CallEventReplayAnswer(from, to, queued);
        db.AuditEntries.Add(
            await trail.ActionAsync(db, orgId, AuditAction.Replayed, AuditTrail.CallEventType, "replay", [
                new("from", null, Format(from)),
                new("to", null, Format(to)),
                new("queued", null, queued.ToString(CultureInfo.InvariantCulture)),
            ], ct));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return answer;
    }

    private async Task<Refusal?> TurnedOffAsync(long orgId, CancellationToken ct) =>
        await db.Organizations.AnyAsync(o => o.Id == orgId && o.CallEventsUrl != null && o.CallEventsSecret != null, ct)
            ? null
            : new Refusal.Unavailable(
                "Call events are off",
                "Set the organization's events URL first: events are sent to it.");

    private static string Format(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Status(CallEvent e) =>
        e.DeliveredAt is not null ? "delivered" : e.GaveUpAt is not null ? "failed" : "pending";

    public static string? UrlProblem(string? url) =>
        string.IsNullOrEmpty(url) ? "is required"
        : url.Length > 2000 ? "must be at most 2000 characters"
        : !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || uri.UserInfo.Length > 0
            || uri.Fragment.Length > 0
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
        Status(e),
        e.Attempts,
        e.CreatedAt,
        e.LastAttemptAt,
        e.LastStatusCode,
        e.LastError,
        e.Pending ? e.NextAttemptAt : null,
        e.DeliveredAt,
        e.GaveUpAt,
        e.RequeuedAt);
}
