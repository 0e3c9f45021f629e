using Switchboard.Events;
using Switchboard.Routing;

namespace Switchboard.Calls;

public enum CallDirection { Inbound, Outbound }

public enum ScreeningResult { Accepted, Declined, NoInput }

public enum CallOutcome
{
    Rejected,
    AgentUnavailable,
    Connected,
    Forwarded,
    AgentDeclined,
    AgentNoInput,
    AgentHungUp,
    AgentNoAnswer,
    AgentBusy,
    AgentFailed,
    ForwardNoAnswer,
    ForwardBusy,
    ForwardFailed,
    CallerHungUp,
    Failed,
    ContactNoAnswer,
    ContactBusy,
    ContactFailed,
    ProviderRefused,
    ProviderUnreachable,

    /// <summary>
    /// Nothing more was heard of the call and the provider could not tell how it ended (docs/voicemail.md).
    /// </summary>
    Unknown,

    /// <summary>Outside hours: the caller heard the after-hours message (or the voicemail prompt).</summary>
    AfterHours,
}

public enum CallLeg { Caller, Agent, Forward, Contact, Fallback }

/// <summary>
/// One call's life, from the routing decision (or an agent's request to call out) to the last status. The two
/// lives have their own parts: <c>CallRecord.Inbound.cs</c> (decided, screened, dialed, fallback) and
/// <c>CallRecord.Outbound.cs</c> (requested, agent rings, presses 1, contact dialed); this part holds what both
/// share. State changes go through methods, which ignore what does not fit the call (a screening result on a
/// forwarded call, a repeated callback, an outbound step out of turn). Statuses arrive in Switchboard's words
/// (<see cref="CallStatus"/>): the provider's edge has parsed them.
/// </summary>
public sealed partial class CallRecord
{
    /// <summary>The key an agent presses to take a call (inbound) or to place it (outbound).</summary>
    public const string AcceptKey = "1";

    private readonly List<CallStatusEvent> _statuses = [];
    private readonly List<CallEvent> _events = [];

    public long Id { get; private set; }
    public string CallSid { get; private set; } = "";

    /// <summary>
    /// The provider that carries the call, by its webhook segment (<c>twilio</c>, <c>signalwire</c>, <c>telnyx</c>,
    /// <c>bandwidth</c>): its recordings and its look-up are asked of that provider. Null for calls stored before it
    /// was recorded, which Twilio carried.
    /// </summary>
    public string? Provider { get; private set; }
    public long? OrganizationId { get; init; }
    public CallDirection Direction { get; init; }
    public required string PlatformNumber { get; init; }
    public string? Contact { get; init; }
    public long? GroupId { get; init; }
    public long? InboxId { get; init; }
    public RoutingOutcome Decision { get; init; }
    public DecisionReason Reason { get; init; }
    public required string Explanation { get; init; }
    public long? AgentId { get; init; }

    public ScreeningResult? Screening { get; private set; }
    public string? ScreeningDigits { get; private set; }
    public CallOutcome? Outcome { get; private set; }

    /// <summary>
    /// How the dial from the call ended: to the agent or forward target (inbound), to the contact (outbound).
    /// </summary>
    public CallStatus? DialStatus { get; private set; }

    public DateTime StartedAt { get; init; }
    public DateTime? AgentAnsweredAt { get; private set; }
    public DateTime? ScreenedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public int? DurationSeconds { get; private set; }
    public int? TalkSeconds { get; private set; }

    /// <summary>
    /// When the reconciler ended the call, its last webhook having never come (see <see cref="CallReconciler"/>).
    /// </summary>
    public DateTime? ReconciledAt { get; private set; }

    /// <summary>
    /// Bumped on every change; concurrent callbacks for one call retry instead of overwriting each other.
    /// </summary>
    public int Version { get; private set; }

    public IReadOnlyList<CallStatusEvent> Statuses => _statuses;

    /// <summary>Events for the organization's texting platform, stored with the change that produced them.</summary>
    public IReadOnlyList<CallEvent> Events => _events;

    /// <summary>Nothing more will change what the call came to.</summary>
    public bool IsOver =>
        ReconciledAt is not null || (Direction == CallDirection.Inbound ? InboundIsOver : OutboundIsOver);

    /// <summary>
    /// The reconciler's answer for a call left open: the provider's final status of the call (the caller's leg inbound,
    /// the agent's outbound) ends it as that status would have; a status that is not final changes nothing.
    /// </summary>
    public bool EndFromProvider(CallStatus status, int? durationSeconds, DateTime? endedAt, DateTime now)
    {
        if (IsOver || !status.IsEnded())
        {
            return false;
        }

        RecordStatus(
            Direction == CallDirection.Inbound ? CallLeg.Caller : CallLeg.Agent,
            status,
            endedAt ?? now,
            durationSeconds);
        EndAsUnknown(now);
        return true;
    }

    /// <summary>
    /// The reconciler gave up on learning how the call ended: it ends as unknown, unless it has an outcome already.
    /// </summary>
    public void EndAsUnknown(DateTime now)
    {
        Outcome ??= CallOutcome.Unknown;
        if (Direction == CallDirection.Outbound)
        {
            Stage = OutboundStage.Ended;
        }

        EndedAt ??= now;
        ReconciledAt = now;
        Touch();
    }

    /// <summary>Adds a leg's status once; statuses may arrive late, repeated or out of order.</summary>
    public bool RecordStatus(
        CallLeg leg,
        CallStatus status,
        DateTime at,
        int? durationSeconds,
        string? providerCallSid = null)
    {
        if (_statuses.Any(s => s.Leg == leg && s.Status == status))
        {
            return false;
        }

        _statuses.Add(new CallStatusEvent { Leg = leg, Status = status, At = at, DurationSeconds = durationSeconds });
        if (Direction == CallDirection.Outbound)
        {
            AdvanceOutbound(leg, status, at, durationSeconds, providerCallSid);
        }
        else
        {
            AdvanceInbound(leg, status, at, durationSeconds);
        }

        Touch();
        return true;
    }

    /// <summary>Queues an event for the texting platform; it is stored with this change of the record.</summary>
    public void Report(CallEvent callEvent) => _events.Add(callEvent);

    /// <summary>The agent's key press, inbound or outbound. Only the first answer counts.</summary>
    private ScreeningResult RecordScreening(string? digits, DateTime now)
    {
        if (Screening is { } earlier)
        {
            return earlier;
        }

        Screening = digits switch
        {
            AcceptKey => ScreeningResult.Accepted,
            null or "" => ScreeningResult.NoInput,
            _ => ScreeningResult.Declined,
        };
        ScreeningDigits = string.IsNullOrEmpty(digits) ? null : digits[..Math.Min(digits.Length, 4)];
        ScreenedAt = now;
        AgentAnsweredAt ??= now;
        Touch();
        return Screening.Value;
    }

    private void Ended(DateTime at, int? durationSeconds)
    {
        EndedAt = at;
        DurationSeconds = durationSeconds ?? DurationSeconds;
    }

    private void Touch() => Version++;
}

public sealed class CallStatusEvent
{
    public long Id { get; private set; }
    public long CallId { get; private set; }
    public CallLeg Leg { get; init; }
    public CallStatus Status { get; init; }
    public DateTime At { get; init; }
    public int? DurationSeconds { get; init; }
}
