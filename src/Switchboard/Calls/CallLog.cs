using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Calls.Voicemail;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Calls;

public sealed record CallStatusAnswer(string Leg, string Status, DateTime At, int? DurationSeconds);

/// <summary>
/// One call as the log shows it. Personal numbers are masked: the contact's always (it is nobody's here
/// to see), the forward target's for agents.
/// </summary>
public sealed record CallLogEntry(
    long Id,
    string? CallSid,
    string Direction,
    string Number,
    string? Contact,
    long? GroupId,
    long? InboxId,
    string? OwnerName,
    string Decision,
    string Reason,
    string Explanation,
    long? AgentId,
    string? AgentName,
    string? ForwardTo,
    string? Screening,
    string? Outcome,
    string? DialStatus,
    string? CallerStatus,
    DateTime StartedAt,
    DateTime? AgentAnsweredAt,
    DateTime? ScreenedAt,
    DateTime? EndedAt,
    int? DurationSeconds,
    int? TalkSeconds,
    IReadOnlyList<CallStatusAnswer> Statuses,
    string? Stage,
    string? FailureDetail,
    string? AgentOutcome,
    CallFallbackAnswer? Fallback,
    CallVoicemailAnswer? Voicemail = null,
    DateTime? ReconciledAt = null,
    string? Verification = null,
    long? AnsweredByAgentId = null,
    IReadOnlyList<long>? TeamRung = null);

/// <summary>
/// The message the caller left: its length (kept after the recording is deleted), the transcript when the provider
/// made one, and where an API key may hear it (null once deleted).
/// </summary>
public sealed record CallVoicemailAnswer(int DurationSeconds, string? Transcript, string? AudioUrl);

/// <summary>The second leg of a call the agent did not take: the fallback number and how its dial ended.</summary>
public sealed record CallFallbackAnswer(string ForwardTo, DateTime StartedAt, string? DialStatus);

public sealed record CallPage(IReadOnlyList<CallLogEntry> Items, long? NextBefore);

/// <summary>
/// The filters of the call log as written in a query string; every one may be left out.
/// Properties rather than a constructor: the request delegate generator (endpoints bound at build time) writes
/// <c>typeof(string?)</c> for a constructor's nullable strings, which does not compile.
/// </summary>
public sealed record CallLogFilter
{
    public string? Limit { get; init; }

    public string? Before { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string? GroupId { get; init; }

    public string? InboxId { get; init; }

    public string? Decision { get; init; }

    public string? Search { get; init; }
}

/// <summary>
/// The call log: admins see every call of the organization, an agent only the calls it was chosen for.
/// </summary>
public sealed class CallLog(SwitchboardDb db)
{
    public const int DefaultPageSize = 50;

    /// <summary>
    /// Newest first; pass <c>before</c> = the page's <c>nextBefore</c> for the next page. Dates are days in UTC, both
    /// included.
    /// </summary>
    public async Task<Answer<CallPage>> PageAsync(long orgId, CallLogFilter filter, Caller viewer, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var size = Parse(filter.Limit, "limit", "must be a whole number between 1 and 200", PageSize, errors);
        var before = Parse(filter.Before, "before", "must be the nextBefore of a previous page", Id, errors);
        var from = Parse(filter.From, "from", "must be a date written 2026-11-24", Day, errors);
        var to = Parse(filter.To, "to", "must be a date written 2026-11-24", Day, errors);
        var groupId = Parse(filter.GroupId, "groupId", "must be the id of a group", Id, errors);
        var inboxId = Parse(filter.InboxId, "inboxId", "must be the id of an inbox", Id, errors);
        var decision = Parse(filter.Decision, "decision", EnumNames.Allowed<RoutingOutcome>(),
            s => EnumNames.TryParse<RoutingOutcome>(s, out var d) ? d : (RoutingOutcome?)null, errors);
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var query = db.Calls.AsNoTracking().Include(c => c.Statuses).Where(c => c.OrganizationId == orgId);
        if (!viewer.IsAdmin)
        {
            var own = viewer.AgentId ?? -1;
            // The calls offered to the agent, and those the agent took for the team (B8).
            query = query.Where(c => c.AgentId == own || c.TeamAgentId == own);
        }

        query = before is { } last ? query.Where(c => c.Id < last) : query;
        query = from is { } start ? query.Where(c => c.StartedAt >= start) : query;
        query = to is { } end ? query.Where(c => c.StartedAt < end.AddDays(1)) : query;
        query = groupId is { } g ? query.Where(c => c.GroupId == g) : query;
        query = inboxId is { } i ? query.Where(c => c.InboxId == i) : query;
        query = decision is { } d ? query.Where(c => c.Decision == d) : query;
        if (filter.Search?.Trim().ToLowerInvariant() is { Length: > 0 } term)
        {
            // Names only (of the agent, the group, the inbox): a search never looks for, or carries, a number.
            query = query.Where(c =>
                db.Agents.Any(a => a.Id == c.AgentId && a.Name.ToLower().Contains(term)) ||
                db.Groups.Any(g => g.Id == c.GroupId && g.Name.ToLower().Contains(term)) ||
                db.Inboxes.Any(i => i.Id == c.InboxId && i.Name.ToLower().Contains(term)));
        }

        var pageSize = size ?? DefaultPageSize;
        var calls = await query.OrderByDescending(c => c.Id).Take(pageSize + 1).AsSplitQuery().ToListAsync(ct);
        var shown = calls.Take(pageSize).ToList();
        var names = await NamesAsync(shown, ct);
        var voicemails = await VoicemailsAsync(orgId, shown, ct);
        var page = shown.Select(c => Entry(c, viewer, names) with { Voicemail = voicemails.GetValueOrDefault(c.Id) })
            .ToList();
        return new CallPage(page, calls.Count > pageSize ? page[^1].Id : null);
    }

    /// <summary>One call, as the log shows it; an agent sees only its own calls.</summary>
    public async Task<Answer<CallLogEntry>> GetAsync(long orgId, long callId, Caller viewer, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking().Include(c => c.Statuses)
            .FirstOrDefaultAsync(c => c.Id == callId && c.OrganizationId == orgId && (viewer.IsAdmin
                || c.AgentId == viewer.AgentId || c.TeamAgentId == viewer.AgentId), ct);
        if (call is null)
        {
            return new Refusal.Missing("call");
        }

        var voicemails = await VoicemailsAsync(orgId, [call], ct);
        return Entry(call, viewer, await NamesAsync([call], ct)) with { Voicemail = voicemails.GetValueOrDefault(
            call.Id) };
    }

    /// <summary>The voicemails (of at least the minimum length) left on these calls.</summary>
    private async Task<Dictionary<long, CallVoicemailAnswer>> VoicemailsAsync(
        long orgId,
        List<CallRecord> calls,
        CancellationToken ct)
    {
        var ids = calls.Select(c => c.Id).ToList();
        var voicemails = await db.Voicemails.AsNoTracking()
            .Where(v => v.OrganizationId == orgId && v.Counted && ids.Contains(v.CallId))
            .Select(v => new { v.CallId, v.DurationSeconds, v.Transcript, Held = v.RecordingSid != null })
            .ToListAsync(ct);
        return voicemails.ToDictionary(
            v => v.CallId,
            v => new CallVoicemailAnswer(
                v.DurationSeconds ?? 0,
                v.Transcript,
                v.Held ? $"/api/v1/organizations/{orgId}/calls/{v.CallId}/voicemail" : null));
    }

    private static int? PageSize(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200
            ? n
            : null;

    private static long? Id(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static DateTime? Day(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
            : null;

    private static T? Parse<T>(
        string? text,
        string field,
        string message,
        Func<string, T?> parse,
        Dictionary<string, string[]> errors) where T : struct
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            errors[field] = [message];
        }

        return value;
    }

    private sealed record Names(
        Dictionary<long, string> Groups,
        Dictionary<long, string> Inboxes,
        Dictionary<long, string> Agents);

    private async Task<Names> NamesAsync(List<CallRecord> calls, CancellationToken ct)
    {
        var groupIds = calls.Select(c => c.GroupId).OfType<long>().Distinct().ToList();
        var inboxIds = calls.Select(c => c.InboxId).OfType<long>().Distinct().ToList();
        var agentIds = calls.Select(c => c.AgentId).OfType<long>().Distinct().ToList();
        return new Names(
            await db.Groups.AsNoTracking()
                .Where(g => groupIds.Contains(g.Id))
                .ToDictionaryAsync(g => g.Id, g => g.Name, ct),
            await db.Inboxes.AsNoTracking()
                .Where(i => inboxIds.Contains(i.Id))
                .ToDictionaryAsync(i => i.Id, i => i.Name, ct),
            await db.Agents.AsNoTracking()
                .Where(a => agentIds.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, a => a.Name, ct));
    }

    private static CallLogEntry Entry(CallRecord c, Caller viewer, Names names) => new(
        c.Id,
        c.ProviderCallSid,
        EnumNames.Name(c.Direction),
        c.PlatformNumber,
        c.Contact is null ? null : PhoneMask.Mask(c.Contact),
        c.GroupId,
        c.InboxId,
        c.GroupId is { } g
            ? names.Groups.GetValueOrDefault(g)
            : c.InboxId is { } i ? names.Inboxes.GetValueOrDefault(i) : null,
        EnumNames.Name(c.Decision),
        EnumNames.Name(c.Reason),
        c.Explanation,
        c.AgentId,
        c.AgentId is { } a ? names.Agents.GetValueOrDefault(a) : null,
        c.ForwardTo is null ? null : viewer.IsAdmin ? c.ForwardTo : PhoneMask.Mask(c.ForwardTo),
        c.Screening is { } s ? EnumNames.Name(s) : null,
        c.Outcome is { } o ? EnumNames.Name(o) : null,
        StatusName(c.DialStatus),
        StatusName(c.CallerStatus),
        c.StartedAt,
        c.AgentAnsweredAt,
        c.ScreenedAt,
        c.EndedAt,
        c.DurationSeconds,
        c.TalkSeconds,
        c.Statuses.OrderBy(s => s.At).ThenBy(s => s.Id)
            .Select(s =>
                new CallStatusAnswer(EnumNames.Name(s.Leg), CallStatuses.Name(s.Status), s.At, s.DurationSeconds))
            .ToList(),
        c.Stage is { } stage ? EnumNames.Name(stage) : null,
        c.FailureDetail,
        c.AgentOutcome is { } agentOutcome ? EnumNames.Name(agentOutcome) : null,
        c is { FallbackStartedAt: { } fallbackAt, FallbackForwardTo: { } fallbackTo }
            ? new CallFallbackAnswer(
                viewer.IsAdmin ? fallbackTo : PhoneMask.Mask(fallbackTo),
                fallbackAt,
                StatusName(c.FallbackDialStatus))
            : null)
        {
            ReconciledAt = c.ReconciledAt,
            Verification = c.Verification,
            AnsweredByAgentId = c.AnsweredByAgentId,
            TeamRung = c.TeamRung is null ? null : c.TeamRungIds,
        };

    private static string? StatusName(CallStatus? status) => status is { } s ? CallStatuses.Name(s) : null;
}
