using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Events;
using Switchboard.Kernel;

namespace Switchboard.Calls;

/// <summary>
/// What a call that is over tells the organization's texting platform. Its event goes into the outbox
/// (Events/) with the change of the record that ended the call.
/// </summary>
public static class CallEndEvents
{
    /// <summary>The event a call that is over reports: one per call.</summary>
    public static string TypeOf(CallRecord call) =>
        call.Direction == CallDirection.Outbound ? CallEvents.OutboundCompleted : call.Outcome switch
        {
            CallOutcome.Rejected => CallEvents.Rejected,
            CallOutcome.Connected or CallOutcome.Forwarded => CallEvents.Completed,
            _ => CallEvents.Missed,
        };

    /// <summary>
    /// Queues the call's event on the record, to be stored with it; a call not over yet, or of no organization, reports
    /// nothing.
    /// </summary>
    public static void Report(CallRecord call, DateTime now)
    {
        if (!call.IsOver || call.OrganizationId is not { } organizationId || call.Events.Count > 0)
        {
            return;
        }

        call.Report(
            CallEvent.Raise(
                organizationId,
                TypeOf(call),
                JsonSerializer.Serialize(Facts(call, now), CallEvents.Json),
                now));
    }

    /// <summary>
    /// The caller left a voicemail: the call as its own event told it, and beside it <c>voicemail</c> (length,
    /// transcript or null, and a signed audio link that works without a key until it expires).
    /// </summary>
    public static CallEvent VoicemailLeft(CallRecord call, EventVoicemail voicemail, DateTime now)
    {
        var data = JsonSerializer.SerializeToNode(Facts(call, now), CallEvents.Json)!.AsObject();
        data[CallEvents.VoicemailField] = JsonSerializer.SerializeToNode(voicemail, CallEvents.Json);
        return CallEvent.RaiseFor(
            call.Id,
            call.OrganizationId!.Value,
            CallEvents.Voicemail,
            data.ToJsonString(CallEvents.Json),
            now);
    }

    private static EventCall Facts(CallRecord call, DateTime now) => new(
        call.ProviderCallSid,
        EnumNames.Name(call.Direction),
        call.GroupId,
        call.InboxId,
        call.Contact,
        call.PlatformNumber,
        call.AgentId,
        call.Outcome is { } outcome ? EnumNames.Name(outcome) : "failed",
        EnumNames.Name(call.Reason),
        call.FailureDetail,
        call.StartedAt,
        call.AgentAnsweredAt,
        call.EndedAt ?? now,
        call.TalkSeconds,
        call.DurationSeconds,
        call.AgentOutcome is { } agentOutcome ? EnumNames.Name(agentOutcome) : null,
        call.FallbackStartedAt is { } fallbackAt
            ? new EventFallback(fallbackAt, call.FallbackDialStatus is { } dial ? CallStatuses.Name(dial) : null)
            : null,
        call.AnsweredByAgentId,
        call.TeamRung is null ? null : call.TeamRungIds);

    /// <summary>The call as the texting platform sees it: enough to put it in the right conversation.</summary>
    private sealed record EventCall(
        string? CallSid,
        string Direction,
        long? GroupId,
        long? InboxId,
        string? Contact,
        string PlatformNumber,
        long? AgentId,
        string Outcome,
        string Reason,
        string? FailureDetail,
        DateTime StartedAt,
        DateTime? AnsweredAt,
        DateTime EndedAt,
        int? TalkSeconds,
        int? DurationSeconds,
        string? AgentOutcome,
        EventFallback? Fallback,
        long? AnsweredByAgentId,
        IReadOnlyList<long>? TeamRung);

    /// <summary>What a <c>call.voicemail</c> event says of the message.</summary>
    public sealed record EventVoicemail(
        int DurationSeconds,
        string? Transcript,
        string? AudioUrl,
        DateTime? AudioUrlExpiresAt);

    /// <summary>The second leg of a call the agent did not take: the fallback number rang from this time.</summary>
    private sealed record EventFallback(DateTime StartedAt, string? DialStatus);
}
