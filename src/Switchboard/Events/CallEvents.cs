using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Calls;
using Switchboard.Kernel;

namespace Switchboard.Events;

/// <summary>The events a call ends with, and what each tells the texting platform.</summary>
public static class CallEvents
{
    public const string Completed = "call.completed";
    public const string Missed = "call.missed";
    public const string Rejected = "call.rejected";
    public const string OutboundCompleted = "call.outbound.completed";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The event a call that is over reports: one per call.</summary>
    public static string TypeOf(CallRecord call) => call.Direction == CallDirection.Outbound ? OutboundCompleted : call.Outcome switch
    {
        CallOutcome.Rejected => Rejected,
        CallOutcome.Connected or CallOutcome.Forwarded => Completed,
        _ => Missed,
    };

    /// <summary>Queues the call's event on the record, to be stored with it; a call not over yet, or of no organization, reports nothing.</summary>
    public static void Report(CallRecord call, DateTime now)
    {
        if (!call.IsOver || call.OrganizationId is not { } organizationId || call.Events.Count > 0)
        {
            return;
        }

        call.Report(CallEvent.Raise(organizationId, TypeOf(call), JsonSerializer.Serialize(Facts(call, now), Json), now));
    }

    /// <summary>The body a receiver gets: the event's id and type, and the call with its id.</summary>
    public static string Body(CallEvent callEvent)
    {
        var call = new JsonObject { ["id"] = callEvent.CallId };
        foreach (var (name, value) in JsonNode.Parse(callEvent.Data)!.AsObject())
        {
            call[name] = value?.DeepClone();
        }

        var body = new JsonObject
        {
            ["id"] = callEvent.EventId.ToString(),
            ["type"] = callEvent.Type,
            ["createdAt"] = callEvent.CreatedAt,
            ["organizationId"] = callEvent.OrganizationId,
            ["call"] = call,
        };
        return body.ToJsonString(Json);
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
        call.FallbackStartedAt is { } fallbackAt ? new EventFallback(fallbackAt, call.FallbackDialStatus is { } dial ? CallStatuses.Name(dial) : null) : null);

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
        EventFallback? Fallback);

    /// <summary>The second leg of a call the agent did not take: the fallback number rang from this time.</summary>
    private sealed record EventFallback(DateTime StartedAt, string? DialStatus);
}
