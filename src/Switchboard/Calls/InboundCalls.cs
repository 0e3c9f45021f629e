using Microsoft.EntityFrameworkCore;
using Switchboard.Events;
using Switchboard.Observability;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// What the provider edge needs to answer a call: the decision, whom to ring, and what the caller may hear.
/// </summary>
public sealed record CallAnswer(
    long CallId,
    RoutingOutcome Outcome,
    string PlatformNumber,
    string? ForwardTo,
    string? AgentPhone)
{
    public CallerMessage? Message { get; init; }
    public bool RejectWithMessage { get; init; }

    /// <summary>Closed now: the after-hours treatment (message or voicemail; forward comes as a forward).</summary>
    public AfterHoursMode? AfterHours { get; init; }

    /// <summary>The language of the words Switchboard says on this call.</summary>
    public string Language { get; init; } = CallerLanguage.English;

    /// <summary>The agent could not take calls and the group rings its team: what comes instead.</summary>
    public DialAnswer? Next { get; init; }
}

/// <summary>
/// What the caller gets when a dial ends: nothing more (connected), the team, the fallback number, or the message.
/// </summary>
public sealed record DialAnswer(
    DialEnd End, string? PlatformNumber = null, string? FallbackTo = null, CallerMessage? Message = null)
{
    public string Language { get; init; } = CallerLanguage.English;

    /// <summary>End Team: the agents who ring now, and for how long.</summary>
    public TeamDial? Team { get; init; }
}

/// <summary>The provider's caller verification: parsed for the policy, and as sent, for the call log.</summary>
public sealed record CallerCheck(CallerVerification Verification, string? AsSent);

/// <summary>
/// The life of an inbound call, free of any provider dialect: decide it when it arrives (from stored
/// facts, through <see cref="RoutingPolicy"/>), then record what the agent and the provider report.
/// </summary>
public sealed class InboundCalls(
    SwitchboardDb db,
    RoutingFactsReader facts,
    CallRecordWriter writer,
    CallChanges changes,
    CallerMessages messages,
    SwitchboardMetrics metrics,
    TimeProvider clock,
    ILogger<InboundCalls> log)
{
    /// <summary>
    /// Decides a new call and stores its record. A provider retry of a call already decided gets the
    /// answer stored for it: the unique CallSid turns the second insert down.
    /// </summary>
    public Task<CallAnswer> ReceiveAsync(string callSid, string? calledNumber, string? caller, CancellationToken ct) =>
        ReceiveAsync(callSid, calledNumber, caller, new CallerCheck(CallerVerification.None, null), null, ct);

    /// <summary>
    /// As above, with the provider's caller-verification result, recorded on the call (docs/routing.md B6), and the
    /// provider that carries the call (its webhook segment), which its recordings and look-up are asked of.
    /// </summary>
    public async Task<CallAnswer> ReceiveAsync(
        string callSid,
        string? calledNumber,
        string? caller,
        CallerCheck check,
        string? provider,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var routingFacts = await facts.ReadAsync(
            calledNumber,
            caller,
            now,
            ct) with { Verification = check.Verification };
        var decision = RoutingPolicy.Decide(routingFacts);
        var call = CallRecord.Decided(
            callSid,
            calledNumber ?? "(unknown)",
            caller,
            routingFacts,
            decision,
            now,
            check.AsSent,
            provider);
        // A blocked caller's call sends no event: the texting platform should not learn of it (B5).
        if (routingFacts.Number?.ReportsCallEvents == true && decision.Reason != DecisionReason.CallerBlocked)
        {
            // Rejected or nobody available: the call is over at once, and its event goes into the record's own batch.
            CallEndEvents.Report(call, now);
        }

        if (!await writer.SaveAsync(call, ct))
        {
            log.LogInformation("Call {CallSid} was already decided; answering the same way", LogText.Sid(callSid));
            return await AnswerForExistingAsync(callSid, ct)
                ?? throw new InvalidOperationException($"Call {callSid} was reported stored but cannot be found");
        }

        metrics.CallRouted(decision.Outcome, decision.Reason);
        if (call.Events.Count > 0)
        {
            metrics.CallEventRaised();
        }

        log.LogInformation(
            "Call {CallSid} from {Caller} to {Number}: {Outcome} ({Reason})",
            LogText.Sid(callSid),
            PhoneMask.Mask(caller),
            PhoneMask.Mask(calledNumber),
            decision.Outcome,
            decision.Reason);
        return new CallAnswer(call.Id, decision.Outcome, call.PlatformNumber, decision.ForwardTo, decision.AgentPhone)
        {
            Message = decision.Message,
            RejectWithMessage = decision.RejectWithMessage,
            AfterHours = decision.AfterHours,
            Language = decision.Language,
            Next = call.Outcome is null && decision.Outcome == RoutingOutcome.AgentUnavailable
                ? await NextAfterAgentAsync(call.Id, ct)
                : null,
        };
    }

    public async Task<CallContext?> StartScreeningAsync(long callId, string? agentCallSid, CancellationToken ct)
    {
        var started = await changes.ApplyAsync(
            callId,
            call => call.StartScreening(agentCallSid, clock.GetUtcNow().UtcDateTime),
            ct);
        return started is true ? await changes.ContextAsync(callId, withContactName: true, ct) : null;
    }

    public async Task<ScreeningResult> ScreenAsync(long callId, string? digits, CancellationToken ct)
    {
        var result = await changes.ApplyAsync(callId, call => call.Screen(digits, clock.GetUtcNow().UtcDateTime), ct);
        log.LogInformation(
            "Call {CallId}: the agent's screening answer is {Screening}",
            callId,
            result?.ToString() ?? "unknown call");
        return result ?? ScreeningResult.Declined;
    }

    /// <summary>
    /// The dial to the agent or forward target ended: connected, on to the fallback number, or the message.
    /// </summary>
    public async Task<DialAnswer> FinishDialAsync(
        long callId,
        CallStatus? dialStatus,
        bool? bridged,
        int? dialSeconds,
        CallStatus? callerStatus,
        CancellationToken ct)
    {
        (string Number, string? To) fallback = ("", null);
        var end = await changes.ApplyAsync(callId, call =>
        {
            fallback = (call.PlatformNumber, call.FallbackForwardTo);
            return call.FinishDial(dialStatus, bridged, dialSeconds, callerStatus, clock.GetUtcNow().UtcDateTime);
        }, ct);
        log.LogInformation(
            "Call {CallId}: dial ended with {DialStatus}: {DialEnd}",
            callId,
            dialStatus,
            end?.ToString() ?? "unknown call");
        switch (end)
        {
            case DialEnd.Connected:
                return new DialAnswer(DialEnd.Connected);
            case DialEnd.Fallback:
                return new DialAnswer(DialEnd.Fallback, fallback.Number, fallback.To);
            case DialEnd.Team:
                return await NextAfterAgentAsync(callId, ct);
            default:
                return end is null ? new DialAnswer(DialEnd.Ended) : await MessageAnswerAsync(callId, ct);
        }
    }

    /// <summary>
    /// A team agent picked up: the prompt's context, or null when the call is no longer theirs to take.
    /// </summary>
    public async Task<CallContext?> StartTeamScreeningAsync(long callId, long agentId, CancellationToken ct)
    {
        if (await changes.ApplyAsync(callId, call => call.StartTeamScreening(agentId), ct) is not true)
        {
            return null;
        }

        // The agent did not text the caller: the prompt leaves out "you texted them".
        var context = await changes.ContextAsync(callId, withContactName: true, ct);
        return context is null ? null : context with { LastTextAt = null };
    }

    public async Task<ScreeningResult> TeamScreenAsync(long callId, long agentId, string? digits, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await changes.ApplyAsync(callId, call => call.TeamScreen(agentId, digits, now), ct);
        log.LogInformation(
            "Call {CallId}: team agent {AgentId} answered {Screening}",
            callId,
            agentId,
            result?.ToString() ?? "unknown call");
        return result ?? ScreeningResult.Declined;
    }

    /// <summary>The team's dial ended: connected, or the next agent in turn, the fallback or the message.</summary>
    public async Task<DialAnswer> FinishTeamDialAsync(
        long callId, CallStatus? dialStatus, bool? bridged, int? dialSeconds, CallStatus? callerStatus,
        CancellationToken ct)
    {
        var end = await changes.ApplyAsync(
            callId, call => call.FinishTeamDial(dialStatus, bridged, dialSeconds, callerStatus), ct);
        log.LogInformation(
            "Call {CallId}: the team's dial ended with {DialStatus}: {DialEnd}",
            callId, dialStatus, end?.ToString() ?? "unknown call");
        return end switch
        {
            DialEnd.Connected => new DialAnswer(DialEnd.Connected),
            DialEnd.Team => await NextAfterAgentAsync(callId, ct),
            null => new DialAnswer(DialEnd.Ended),
            _ => await MessageAnswerAsync(callId, ct),
        };
    }

    /// <summary>
    /// After the agent (or the last of the team in turn) did not take the call: the team's next ring when the policy
    /// finds someone (<see cref="RoutingPolicy.RingTeam"/>), else the fallback number, else the message.
    /// </summary>
    private async Task<DialAnswer> NextAfterAgentAsync(long callId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var team = await TeamDialAsync(callId, ct);
        (string Number, string? To) fallback = ("", null);
        var end = await changes.ApplyAsync(callId, call =>
        {
            fallback = (call.PlatformNumber, call.FallbackForwardTo);
            return team is not null && call.RingTeam([.. team.Agents.Select(a => a.AgentId)], now)
                ? DialEnd.Team
                : call.TeamDone(now);
        }, ct);
        log.LogInformation(
            "Call {CallId}: after the agent, {Next}",
            callId, end == DialEnd.Team ? team!.Step : end?.ToString() ?? "unknown call");
        return end switch
        {
            DialEnd.Team => new DialAnswer(DialEnd.Team, fallback.Number) { Team = team },
            DialEnd.Fallback => new DialAnswer(DialEnd.Fallback, fallback.Number, fallback.To),
            DialEnd.Connected => new DialAnswer(DialEnd.Connected),
            null => new DialAnswer(DialEnd.Ended),
            _ => await MessageAnswerAsync(callId, ct),
        };
    }

    /// <summary>
    /// Who of the team rings next: the group's members (all the organization's agents when it has none) that are
    /// active and have a phone, in order of their ids starting at a place that turns with each call, so that the same
    /// volunteer is not always the first; the policy picks among them.
    /// </summary>
    private async Task<TeamDial?> TeamDialAsync(long callId, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking().Where(c => c.Id == callId)
            .Select(c => new { c.GroupId, c.AgentId, c.TeamMode, c.TeamRung, c.Outcome, c.OrganizationId })
            .FirstOrDefaultAsync(ct);
        if (call is not { GroupId: { } groupId, TeamMode: { } mode, Outcome: null })
        {
            return null;
        }

        var group = await db.Groups.AsNoTracking().Where(g => g.Id == groupId)
            .Select(g => new { g.RingTeamSeconds, g.RingTeamMaxAgents }).FirstOrDefaultAsync(ct);
        if (group is null)
        {
            return null;
        }

        var hasMembers = await db.GroupMembers.AnyAsync(m => m.GroupId == groupId, ct);
        var agents = hasMembers
            ? from m in db.GroupMembers where m.GroupId == groupId join a in db.Agents on m.AgentId equals a.Id select a
            : db.Agents.Where(a => a.OrganizationId == call.OrganizationId);
        var found = await agents.AsNoTracking()
            .Where(a => a.Active && a.DeletedAt == null && a.Phone != null)
            .OrderBy(a => a.Id)
            .Select(a => new TeamAgentFacts(a.Id, AgentState.Active, a.Phone, hasMembers))
            .ToListAsync(ct);
        var start = found.Count == 0 ? 0 : (int)(callId % found.Count);
        return RoutingPolicy.RingTeam(new TeamFacts
        {
            RingTeam = new RingTeam(mode, group.RingTeamSeconds, group.RingTeamMaxAgents),
            Agents = [.. found.Skip(start), .. found.Take(start)],
            LastAgentId = call.AgentId,
            AlreadyRung = CallRecord.ParseRung(call.TeamRung),
        });
    }

    /// <summary>The dial to the fallback number ended: connected, or the caller hears the message.</summary>
    public async Task<DialAnswer> FinishFallbackAsync(
        long callId,
        CallStatus? dialStatus,
        bool? bridged,
        int? dialSeconds,
        CallStatus? callerStatus,
        CancellationToken ct)
    {
        var connected = await changes.ApplyAsync(
            callId,
            call => call.FinishFallback(dialStatus, bridged, dialSeconds, callerStatus),
            ct);
        log.LogInformation(
            "Call {CallId}: fallback dial ended with {DialStatus}, connected: {Connected}",
            callId,
            dialStatus,
            connected);
        return connected is true
            ? new DialAnswer(DialEnd.Connected)
            : connected is null ? new DialAnswer(DialEnd.Ended) : await MessageAnswerAsync(callId, ct);
    }

    private async Task<DialAnswer> MessageAnswerAsync(long callId, CancellationToken ct)
    {
        var (message, language) = await messages.SpokenForCallAsync(callId, ct);
        return new DialAnswer(DialEnd.Ended, Message: message) { Language = language };
    }

    public async Task<long?> FindByCallSidAsync(string callSid, CancellationToken ct) =>
        await db.Calls.AsNoTracking().Where(c => c.CallSid == callSid).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);

    private async Task<CallAnswer?> AnswerForExistingAsync(string callSid, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking()
            .Where(c => c.CallSid == callSid)
            .Select(c => new { c.Id, c.Decision, c.PlatformNumber, c.ForwardTo, c.AgentId, c.RejectedWithMessage })
            .FirstOrDefaultAsync(ct);
        if (call is null)
        {
            return null;
        }

        string? agentPhone = null;
        var outcome = call.Decision;
        if (outcome == RoutingOutcome.ConnectAgent)
        {
            agentPhone = await db.Agents.AsNoTracking()
                .Where(a => a.Id == call.AgentId && a.Active && a.DeletedAt == null)
                .Select(a => a.Phone)
                .FirstOrDefaultAsync(ct);
            outcome = agentPhone is null ? RoutingOutcome.AgentUnavailable : outcome;
        }

        var hearsMessage = outcome is RoutingOutcome.AgentUnavailable or RoutingOutcome.AfterHours
            || call.RejectedWithMessage;
        var (message, language) = hearsMessage
            ? await messages.SpokenForCallAsync(call.Id, ct)
            : (null, CallerLanguage.English);
        return new CallAnswer(call.Id, outcome, call.PlatformNumber, call.ForwardTo, agentPhone)
        {
            Message = message,
            RejectWithMessage = call.RejectedWithMessage,
            Language = language,
        };
    }
}
