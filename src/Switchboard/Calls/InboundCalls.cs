using Microsoft.EntityFrameworkCore;
using Switchboard.Events;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>What the provider edge needs to answer a call: the decision, and whom to ring.</summary>
public sealed record CallAnswer(long CallId, RoutingOutcome Outcome, string PlatformNumber, string? ForwardTo, string? AgentPhone);

/// <summary>
/// The life of an inbound call, free of any provider dialect: decide it when it arrives (from stored
/// facts, through <see cref="RoutingPolicy"/>), then record what the agent and the provider report.
/// </summary>
public sealed class InboundCalls(SwitchboardDb db, RoutingFactsReader facts, CallRecordWriter writer, CallChanges changes, TimeProvider clock, ILogger<InboundCalls> log)
{
    /// <summary>
    /// Decides a new call and stores its record. A provider retry of a call already decided gets the
    /// answer stored for it: the unique CallSid turns the second insert down.
    /// </summary>
    public async Task<CallAnswer> ReceiveAsync(string callSid, string? calledNumber, string? caller, CancellationToken ct)
    {
        var routingFacts = await facts.ReadAsync(calledNumber, caller, ct);
        var decision = RoutingPolicy.Decide(routingFacts);
        var now = clock.GetUtcNow().UtcDateTime;
        var call = CallRecord.Decided(callSid, calledNumber ?? "(unknown)", caller, routingFacts, decision, now);
        if (routingFacts.Number?.ReportsCallEvents == true)
        {
            // Rejected or nobody available: the call is over at once, and its event goes into the record's own batch.
            CallEvents.Report(call, now);
        }

        if (!await writer.SaveAsync(call, ct))
        {
            log.LogInformation("Call {CallSid} was already decided; answering the same way", LogText.Sid(callSid));
            return await AnswerForExistingAsync(callSid, ct)
                ?? throw new InvalidOperationException($"Call {callSid} was reported stored but cannot be found");
        }

        log.LogInformation(
            "Call {CallSid} from {Caller} to {Number}: {Outcome} ({Reason})",
            LogText.Sid(callSid), PhoneMask.Mask(caller), PhoneMask.Mask(calledNumber), decision.Outcome, decision.Reason);
        return new CallAnswer(call.Id, decision.Outcome, call.PlatformNumber, decision.ForwardTo, decision.AgentPhone);
    }

    public async Task<CallContext?> StartScreeningAsync(long callId, string? agentCallSid, CancellationToken ct)
    {
        var started = await changes.ApplyAsync(callId, call => call.StartScreening(agentCallSid, clock.GetUtcNow().UtcDateTime), ct);
        return started is true ? await changes.ContextAsync(callId, ct) : null;
    }

    public async Task<ScreeningResult> ScreenAsync(long callId, string? digits, CancellationToken ct)
    {
        var result = await changes.ApplyAsync(callId, call => call.Screen(digits, clock.GetUtcNow().UtcDateTime), ct);
        log.LogInformation("Call {CallId}: the agent's screening answer is {Screening}", callId, result?.ToString() ?? "unknown call");
        return result ?? ScreeningResult.Declined;
    }

    /// <returns>Whether the caller was connected; null when the call is unknown.</returns>
    public async Task<bool?> FinishDialAsync(long callId, string? dialStatus, bool? bridged, int? dialSeconds, string? callerStatus, CancellationToken ct)
    {
        var connected = await changes.ApplyAsync(callId, call => call.FinishDial(dialStatus, bridged, dialSeconds, callerStatus), ct);
        log.LogInformation("Call {CallId}: dial ended with {DialStatus}, connected: {Connected}", callId, LogText.Word(dialStatus), connected);
        return connected;
    }

    public async Task<long?> FindByCallSidAsync(string callSid, CancellationToken ct) =>
        await db.Calls.AsNoTracking().Where(c => c.CallSid == callSid).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);

    private async Task<CallAnswer?> AnswerForExistingAsync(string callSid, CancellationToken ct)
    {
        var call = await db.Calls.AsNoTracking()
            .Where(c => c.CallSid == callSid)
            .Select(c => new { c.Id, c.Decision, c.PlatformNumber, c.ForwardTo, c.AgentId })
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

        return new CallAnswer(call.Id, outcome, call.PlatformNumber, call.ForwardTo, agentPhone);
    }
}
