using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Switchboard.Events;
using Switchboard.Observability;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// What an agent hears a call is for: the organization and the group or inbox, the contact's name when the texting
/// platform sent one (and the organization allows it), and when the agent last texted them; never a phone number.
/// </summary>
public sealed record CallContext(string OrganizationName, string? GroupName, string? InboxName)
{
    /// <summary>The language of the prompt: the group's, else the organization's.</summary>
    public string Language { get; init; } = Routing.CallerLanguage.English;

    public string? ContactName { get; init; }
    public DateTime? LastTextAt { get; init; }
}

/// <summary>
/// Applies one change to a stored call, for inbound and outbound calls alike. When the change is the one that
/// ends the call, and the organization wants call events, the call's event is stored in the same transaction.
/// </summary>
public sealed class CallChanges(
    SwitchboardDb db,
    SwitchboardMetrics metrics,
    TimeProvider clock,
    ILogger<CallChanges> log)
{
    /// <summary>
    /// Each conflict means another request's change went in first, so retries make progress; 4 attempts were
    /// not enough when a provider posted a call's statuses in parallel, and a status was answered 200 but lost.
    /// </summary>
    private const int MaxAttempts = 32;

    /// <summary>
    /// Applies the change; when another request changed the call first, reloads it and applies the change again.
    /// </summary>
    /// <returns>What the change answered, or null when there is no such call.</returns>
    public async Task<T?> ApplyAsync<T>(long callId, Func<CallRecord, T> change, CancellationToken ct) where T : struct
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var call = await db.Calls.Include(c => c.Statuses).FirstOrDefaultAsync(c => c.Id == callId, ct);
            if (call is null)
            {
                return null;
            }

            var wasOver = call.IsOver;
            var result = change(call);
            var reported = !wasOver && call.IsOver && await ReportsEventsAsync(call.OrganizationId, ct);
            if (reported)
            {
                CallEndEvents.Report(call, clock.GetUtcNow().UtcDateTime);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                if (reported)
                {
                    metrics.CallEventRaised();
                }

                return result;
            }
            catch (Exception e) when (Retryable(e) && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                log.LogDebug("Call {CallId} changed under us; retrying", callId);
            }
        }
    }

    /// <summary>
    /// A provider's status of one leg of a call, inbound or outbound; the time is the provider's when it sent one.
    /// </summary>
    public async Task<bool> RecordStatusAsync(
        long callId,
        CallLeg leg,
        CallStatus status,
        DateTime? at,
        int? durationSeconds,
        string? callSid,
        CancellationToken ct)
    {
        var when = at ?? clock.GetUtcNow().UtcDateTime;
        var recorded = await ApplyAsync(
            callId,
            call => call.RecordStatus(leg, status, when, durationSeconds, callSid),
            ct);
        return recorded is not null;
    }

    public async Task<CallContext?> ContextAsync(long callId, bool withContactName, CancellationToken ct)
    {
        var row = await (
            from c in db.Calls.AsNoTracking()
            where c.Id == callId
            join o in db.Organizations on c.OrganizationId equals o.Id
            join g in db.Groups on c.GroupId equals g.Id into groups
            from g in groups.DefaultIfEmpty()
            join i in db.Inboxes on c.InboxId equals i.Id into inboxes
            from i in inboxes.DefaultIfEmpty()
            select new
            {
                c.OrganizationId, c.GroupId, c.Contact, c.LastTextAt, o.SayContactName,
                Language = g != null && g.Language != null ? g.Language : o.Language,
                Context = new CallContext(o.Name, g == null ? null : g.Name, i == null ? null : i.Name),
            }
        ).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var contactName = withContactName
            && row.SayContactName
            && row.GroupId is { } groupId
            && row.Contact is { } contact
            ? await db.ContactTexts.AsNoTracking()
                .Where(l => l.OrganizationId == row.OrganizationId
                    && l.Contact == contact
                    && l.Kind == ContactTextKind.Group
                    && l.OwnerId == groupId)
                .Select(l => l.ContactName)
                .FirstOrDefaultAsync(ct)
            : null;
        return row.Context with { ContactName = contactName, LastTextAt = row.LastTextAt, Language = row.Language };
    }

    /// <summary>
    /// A conflict with another change of the call (EF Core's), or a failure the database calls transient (a deadlock, a
    /// serialization failure) raised by a statement the save's interceptors run before EF Core's own (the report
    /// counts): EF Core wraps only its own statements' failures, and a status lost to either is a call reported wrong.
    /// </summary>
    private static bool Retryable(Exception e) => e is DbUpdateException or DbException { IsTransient: true };

    private async Task<bool> ReportsEventsAsync(long? organizationId, CancellationToken ct) =>
        organizationId is { } id && await db.Organizations.AnyAsync(o => o.Id == id && o.CallEventsUrl != null, ct);
}
