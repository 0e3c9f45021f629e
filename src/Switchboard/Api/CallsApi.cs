using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record CallStatusAnswer(string Leg, string Status, DateTime At, int? DurationSeconds);

/// <summary>
/// One call as the log shows it. Personal numbers are masked: the contact's always (it is nobody's here
/// to see), the forward target's for agents.
/// </summary>
public sealed record CallLogEntry(
    long Id,
    string CallSid,
    string Direction,
    string Number,
    string? Contact,
    long? GroupId,
    long? InboxId,
    string Decision,
    string Reason,
    string Explanation,
    long? AgentId,
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
    IReadOnlyList<CallStatusAnswer> Statuses);

public sealed record CallPage(IReadOnlyList<CallLogEntry> Items, long? NextBefore);

public static class CallsApi
{
    public static void MapCalls(this RouteGroupBuilder organization) =>
        organization.MapGet("/calls", List).Allow(CallerRole.Admin, CallerRole.Agent);

    /// <summary>Newest first; pass <c>before</c> = the page's <c>nextBefore</c> for the next page.</summary>
    private static async Task<Results<Ok<CallPage>, ValidationProblem>> List(
        long orgId, HttpContext http, SwitchboardDb db, CancellationToken ct, string? limit = null, string? before = null)
    {
        int? size = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 200)
            {
                return Problems.Invalid("limit", "must be a whole number between 1 and 200");
            }

            size = n;
        }

        long? cursor = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Problems.Invalid("before", "must be the nextBefore of a previous page");
            }

            cursor = id;
        }

        var caller = http.GetCaller();
        var query = db.Calls.AsNoTracking().Include(c => c.Statuses).Where(c => c.OrganizationId == orgId);
        if (!caller.IsAdmin)
        {
            var own = caller.AgentId ?? -1;
            query = query.Where(c => c.AgentId == own);
        }

        if (cursor is { } last)
        {
            query = query.Where(c => c.Id < last);
        }

        var pageSize = size ?? 50;
        var calls = await query.OrderByDescending(c => c.Id).Take(pageSize + 1).AsSplitQuery().ToListAsync(ct);
        var page = calls.Take(pageSize).Select(c => Answer(c, caller)).ToList();
        return TypedResults.Ok(new CallPage(page, calls.Count > pageSize ? page[^1].Id : null));
    }

    private static CallLogEntry Answer(CallRecord c, Caller caller) => new(
        c.Id,
        c.CallSid,
        EnumNames.Name(c.Direction),
        c.PlatformNumber,
        c.Contact is null ? null : PhoneMask.Mask(c.Contact),
        c.GroupId,
        c.InboxId,
        EnumNames.Name(c.Decision),
        EnumNames.Name(c.Reason),
        c.Explanation,
        c.AgentId,
        c.ForwardTo is null ? null : caller.IsAdmin ? c.ForwardTo : PhoneMask.Mask(c.ForwardTo),
        c.Screening is { } s ? EnumNames.Name(s) : null,
        c.Outcome is { } o ? EnumNames.Name(o) : null,
        c.DialStatus,
        c.CallerStatus,
        c.StartedAt,
        c.AgentAnsweredAt,
        c.ScreenedAt,
        c.EndedAt,
        c.DurationSeconds,
        c.TalkSeconds,
        c.Statuses.OrderBy(s => s.At).ThenBy(s => s.Id)
            .Select(s => new CallStatusAnswer(EnumNames.Name(s.Leg), s.Status, s.At, s.DurationSeconds)).ToList());
}
