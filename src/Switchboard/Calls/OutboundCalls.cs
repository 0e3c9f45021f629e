using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Observability;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>An agent (itself, or an admin on its behalf) asks to call a contact.</summary>
public sealed record StartCall(long? AgentId, string? Contact);

/// <summary>Whom to dial once the agent pressed 1, and the platform number both sides see.</summary>
public sealed record OutboundDial(string PlatformNumber, string Contact);

/// <summary>
/// The life of an outbound call (routing rule R5 of docs/routing.md), free of any provider dialect: check that
/// the agent may call the contact, store the request, have the provider ring the agent from the number that last
/// texted the contact, then follow the agent's "press 1", the dial to the contact and the provider's statuses.
/// </summary>
public sealed class OutboundCalls(
    SwitchboardDb db,
    PhoneNormalizer phones,
    ICallPlacer placer,
    CallChanges changes,
    CallLog callLog,
    SwitchboardMetrics metrics,
    TimeProvider clock,
    ILogger<OutboundCalls> log)
{
    public async Task<Answer<CallLogEntry>> StartAsync(
        long orgId,
        StartCall request,
        Caller caller,
        CancellationToken ct)
    {
        var agentId = request.AgentId ?? (caller.IsAdmin ? null : caller.AgentId);
        if (!caller.IsAdmin && agentId != caller.AgentId)
        {
            return new Refusal.Forbidden("An agent key may place calls only as its own agent.");
        }

        var errors = new Dictionary<string, string[]>();
        if (agentId is null)
        {
            errors["agentId"] = ["is required"];
        }

        if (!phones.TryNormalize(request.Contact, out var contact))
        {
            errors["contact"] =
                [request.Contact is null ? "is required" : $"{request.Contact} is not a valid phone number"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var agent = await db.Agents.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct);
        if (agent is null)
        {
            return new Refusal.Missing("agent");
        }

        if (!agent.Active || agent.Phone is null)
        {
            return new Refusal.Unavailable("Agent unavailable", agent.Active
                ? $"{agent.Name} has no personal phone number to ring."
                : $"{agent.Name} is inactive.");
        }

        if (await LineAsync(orgId, agent.Id, contact, ct) is not { } line)
        {
            return new Refusal.Forbidden(
                $"{agent.Name} has never texted {PhoneMask.Mask(contact)}: " +
                "an agent may call only contacts they text with.");
        }

        if (!await db.Numbers.AnyAsync(n => n.Number == line.Number && n.OrganizationId == orgId, ct))
        {
            return new Refusal.Unavailable("Number unavailable",
                $"{line.Number}, the number {agent.Name} last texted this contact from, " +
                "is no longer a number of this organization.");
        }

        if (!placer.Configured)
        {
            return new Refusal.Upstream(StatusCodes.Status503ServiceUnavailable, "Outbound calls are not set up",
                "Switchboard has no telephony account to place calls with: " +
                "set Switchboard:Twilio:AccountSid and Switchboard:Twilio:AuthToken.");
        }

        var call = CallRecord.Requested(orgId, agent.Id, contact, line, clock.GetUtcNow().UtcDateTime);
        db.Calls.Add(call);
        await db.SaveChangesAsync(ct);
        log.LogInformation(
            "Call {CallId}: agent {AgentId} calls {Contact} from {Number}",
            call.Id,
            agent.Id,
            PhoneMask.Mask(contact),
            PhoneMask.Mask(line.Number));

        // Once asked, the provider's answer is recorded whatever happens to this request: a call may already ring.
        var placed = await placer.RingAgentAsync(call.Id, agent.Phone, line.Number, CancellationToken.None);
        if (await RecordAsync(call.Id, placed) is { } refusal)
        {
            return refusal;
        }

        return await callLog.GetAsync(orgId, call.Id, caller, CancellationToken.None);
    }

    /// <summary>
    /// "Call back" from the call log: the call's agent calls the call's contact again. The contact's number stays on
    /// the server; the page names only the call.
    /// </summary>
    public async Task<Answer<CallLogEntry>> CallBackAsync(long orgId, long callId, Caller caller, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking()
            .Where(c => c.Id == callId && c.OrganizationId == orgId && (caller.IsAdmin || c.AgentId == caller.AgentId))
            .Select(c => new { c.AgentId, c.Contact })
            .FirstOrDefaultAsync(ct);
        if (call is not { AgentId: { } agentId, Contact: { } contact })
        {
            return new Refusal.Missing("call");
        }

        return await StartAsync(orgId, new StartCall(agentId, contact), caller, ct);
    }

    /// <summary>
    /// Which of these calls the viewer may call back: calls with a contact whom the call's agent has texted.
    /// </summary>
    public async Task<IReadOnlySet<long>> CallableAsync(
        long orgId,
        IReadOnlyList<CallLogEntry> calls,
        Caller viewer,
        CancellationToken ct)
    {
        var ids = calls
            .Where(c => c.AgentId is not null
                && c.Contact is not null
                && (viewer.IsAdmin || c.AgentId == viewer.AgentId))
            .Select(c => c.Id)
            .ToList();
        var pairs = await db.Calls.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.AgentId, c.Contact })
            .ToListAsync(ct);
        var agentIds = pairs.Select(p => p.AgentId!.Value).Distinct().ToList();
        var contacts = pairs.Select(p => p.Contact!).Distinct().ToList();
        var texted = (await db.ContactTexts.AsNoTracking()
                .Where(t => t.OrganizationId == orgId
                    && contacts.Contains(t.Contact)
                    && t.Kind == ContactTextKind.Agent
                    && agentIds.Contains(t.OwnerId))
                .Select(t => new { t.OwnerId, t.Contact }).ToListAsync(ct))
            .Select(t => (t.OwnerId, t.Contact)).ToHashSet();
        return pairs.Where(p => texted.Contains((p.AgentId!.Value, p.Contact!))).Select(p => p.Id).ToHashSet();
    }

    /// <summary>
    /// The agent picked up; null when the call is not waiting for that (unknown, ended, answered already).
    /// </summary>
    public async Task<CallContext?> AgentAnsweredAsync(long callId, string? callSid, CancellationToken ct)
    {
        var answered = await changes.ApplyAsync(callId, call => call.AgentAnswered(callSid, Now()), ct);
        return answered is true ? await changes.ContextAsync(callId, withContactName: false, ct) : null;
    }

    /// <summary>The agent's key: with 1, whom to dial; otherwise null, and the call ends.</summary>
    public async Task<OutboundDial?> ConfirmAsync(long callId, string? digits, CancellationToken ct)
    {
        var result = await changes.ApplyAsync(callId, call => call.ConfirmByAgent(digits, Now()), ct);
        log.LogInformation(
            "Call {CallId}: the agent's answer to the outbound prompt is {Screening}",
            callId,
            result?.ToString() ?? "unknown call");
        if (result != ScreeningResult.Accepted)
        {
            return null;
        }

        return await db.Calls.AsNoTracking()
            .Where(c => c.Id == callId && c.Contact != null)
            .Select(c => new OutboundDial(c.PlatformNumber, c.Contact!))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The dial to the contact ended; the outcome it came to, or null for an unknown call.</summary>
    public async Task<CallOutcome?> DialEndedAsync(
        long callId,
        CallStatus? dialStatus,
        bool? bridged,
        int? dialSeconds,
        CancellationToken ct)
    {
        var connected = await changes.ApplyAsync(
            callId,
            call => call.ContactDialEnded(dialStatus, bridged, dialSeconds),
            ct);
        log.LogInformation(
            "Call {CallId}: the dial to the contact ended with {DialStatus}, connected: {Connected}",
            callId,
            dialStatus,
            connected);
        return connected is null
            ? null
            : await db.Calls.AsNoTracking().Where(c => c.Id == callId).Select(c => c.Outcome).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The last text of this agent to this contact, from any group or inbox of the organization (ties: the first
    /// recorded).
    /// </summary>
    private async Task<OutboundLine?> LineAsync(long orgId, long agentId, string contact, CancellationToken ct) =>
        await db.ContactTexts.AsNoTracking()
            .Where(t => t.OrganizationId == orgId
                && t.Contact == contact
                && t.Kind == ContactTextKind.Agent
                && t.OwnerId == agentId)
            .Select(t => new OutboundLine(t.FromNumber!, t.GroupId, t.InboxId, t.SentAt))
            .FirstOrDefaultAsync(ct);

    private async Task<Refusal?> RecordAsync(long callId, PlaceResult placed)
    {
        var none = CancellationToken.None;
        switch (placed)
        {
            case PlaceResult.Placed ok:
                await changes.ApplyAsync(callId, call => call.AgentDialed(ok.CallSid, ok.Provider), none);
                metrics.OutboundCallPlaced(OutboundPlacement.Placed);
                log.LogInformation(
                    "Call {CallId}: the provider rings the agent ({CallSid}, {Status})",
                    callId,
                    ok.CallSid,
                    ok.Status);
                return null;
            case PlaceResult.Refused refused:
                var said = refused.Code is { } code ? $"{code}: {refused.Message}" : refused.Message;
                await changes.ApplyAsync(
                    callId,
                    call => call.AgentDialFailed(
                        CallOutcome.ProviderRefused,
                        $"HTTP {refused.HttpStatus}, {said}",
                        Now()),
                    none);
                metrics.OutboundCallPlaced(OutboundPlacement.Refused);
                log.LogWarning(
                    "Call {CallId}: the provider refused it with HTTP {Status}, {Said}",
                    callId,
                    refused.HttpStatus,
                    said);
                return new Refusal.Upstream(StatusCodes.Status502BadGateway, "The telephony provider refused the call",
                    $"The provider answered HTTP {refused.HttpStatus} ({said})" +
                    $"{(refused.MoreInfo is null ? "" : $"; see {refused.MoreInfo}")}. Nothing rang.",
                    callId);
            case PlaceResult.NotSent notSent:
                await changes.ApplyAsync(
                    callId,
                    call => call.AgentDialFailed(CallOutcome.ProviderUnreachable, notSent.Detail, Now()),
                    none);
                metrics.OutboundCallPlaced(OutboundPlacement.Unreachable);
                log.LogWarning("Call {CallId}: the provider could not be reached: {Detail}", callId, notSent.Detail);
                return new Refusal.Upstream(
                    StatusCodes.Status502BadGateway,
                    "The telephony provider could not be reached",
                    $"{notSent.Detail}. No call was placed; try again in a moment.",
                    callId);
            default:
                var detail = ((PlaceResult.Uncertain)placed).Detail;
                await changes.ApplyAsync(callId, call => { call.AgentDialUncertain(detail); return true; }, none);
                metrics.OutboundCallPlaced(OutboundPlacement.Uncertain);
                log.LogWarning("Call {CallId}: no answer from the provider in time: {Detail}", callId, detail);
                return new Refusal.Upstream(
                    StatusCodes.Status504GatewayTimeout,
                    "The telephony provider did not answer in time",
                    "The agent's phone may still ring: the call's record follows what the provider reports. " +
                    "It was not asked again, so that the agent cannot be rung twice.",
                    callId);
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
