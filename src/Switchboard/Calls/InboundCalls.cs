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
}

/// <summary>
/// What the caller gets when a dial ends: nothing more (connected), the fallback number, or the message.
/// </summary>
public sealed record DialAnswer(
    DialEnd End,
    string? PlatformNumber = null,
    string? FallbackTo = null,
    CallerMessage? Message = null);

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
    public async Task<CallAnswer> ReceiveAsync(
        string callSid,
        string? calledNumber,
        string? caller,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var routingFacts = await facts.ReadAsync(calledNumber, caller, now, ct);
        var decision = RoutingPolicy.Decide(routingFacts);
        var call = CallRecord.Decided(callSid, calledNumber ?? "(unknown)", caller, routingFacts, decision, now);
        if (routingFacts.Number?.ReportsCallEvents == true)
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
            default:
                return new DialAnswer(
                    DialEnd.Ended,
                    Message: end is null ? null : await messages.ForCallAsync(callId, ct));
        }
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
            : new DialAnswer(
                DialEnd.Ended,
                Message: connected is null ? null : await messages.ForCallAsync(callId, ct));
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

        var hearsMessage = outcome == RoutingOutcome.AgentUnavailable || call.RejectedWithMessage;
        return new CallAnswer(call.Id, outcome, call.PlatformNumber, call.ForwardTo, agentPhone)
        {
            Message = hearsMessage ? await messages.ForCallAsync(call.Id, ct) : null,
            RejectWithMessage = call.RejectedWithMessage,
        };
    }
}
