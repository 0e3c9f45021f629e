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
}

public enum CallLeg { Caller, Agent, Forward }

/// <summary>
/// One call's life, from the routing decision to the last status. State changes go through its methods,
/// which ignore what does not fit the call (a screening result on a forwarded call, a repeated callback).
/// </summary>
public sealed class CallRecord
{
    private readonly List<CallStatusEvent> _statuses = [];

    public long Id { get; private set; }
    public required string CallSid { get; init; }
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
    public string? ForwardTo { get; init; }

    public ScreeningResult? Screening { get; private set; }
    public string? ScreeningDigits { get; private set; }
    public string? AgentCallSid { get; private set; }
    public CallOutcome? Outcome { get; private set; }
    public string? DialStatus { get; private set; }
    public string? CallerStatus { get; private set; }

    public DateTime StartedAt { get; init; }
    public DateTime? AgentAnsweredAt { get; private set; }
    public DateTime? ScreenedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public int? DurationSeconds { get; private set; }
    public int? TalkSeconds { get; private set; }

    /// <summary>Bumped on every change; concurrent callbacks for one call retry instead of overwriting each other.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<CallStatusEvent> Statuses => _statuses;

    public static CallRecord Decided(string callSid, string platformNumber, string? contact, RoutingFacts facts, RoutingDecision decision, DateTime now) => new()
    {
        CallSid = callSid,
        Direction = CallDirection.Inbound,
        OrganizationId = facts.Number?.OrganizationId,
        PlatformNumber = platformNumber,
        Contact = contact,
        GroupId = (facts.Number?.Owner as GroupFacts)?.GroupId,
        InboxId = (facts.Number?.Owner as InboxFacts)?.InboxId,
        Decision = decision.Outcome,
        Reason = decision.Reason,
        Explanation = decision.Explanation,
        AgentId = decision.AgentId,
        ForwardTo = decision.ForwardTo,
        StartedAt = now,
        Outcome = decision.Outcome switch
        {
            RoutingOutcome.Reject => CallOutcome.Rejected,
            RoutingOutcome.AgentUnavailable => CallOutcome.AgentUnavailable,
            _ => null,
        },
    };

    /// <summary>The agent picked up and is about to hear the prompt.</summary>
    public bool StartScreening(string? agentCallSid, DateTime now)
    {
        if (Decision != RoutingOutcome.ConnectAgent || Screening is not null)
        {
            return false;
        }

        AgentCallSid ??= agentCallSid;
        AgentAnsweredAt ??= now;
        Touch();
        return true;
    }

    /// <summary>Records the agent's key press. Only the first answer counts.</summary>
    public ScreeningResult Screen(string? digits, DateTime now)
    {
        if (Decision != RoutingOutcome.ConnectAgent)
        {
            return ScreeningResult.Declined;
        }

        if (Screening is { } earlier)
        {
            return earlier;
        }

        Screening = digits switch
        {
            "1" => ScreeningResult.Accepted,
            null or "" => ScreeningResult.NoInput,
            _ => ScreeningResult.Declined,
        };
        ScreeningDigits = string.IsNullOrEmpty(digits) ? null : digits[..Math.Min(digits.Length, 4)];
        ScreenedAt = now;
        AgentAnsweredAt ??= now;
        Touch();
        return Screening.Value;
    }

    /// <summary>
    /// The dial to the agent or forward target ended. Whether it was connected comes from the provider's
    /// <c>DialBridged</c> when present, otherwise from our own record of the screening.
    /// </summary>
    public bool FinishDial(string? dialStatus, bool? bridged, int? dialSeconds, string? callerStatus)
    {
        DialStatus = dialStatus;
        var completed = dialStatus == "completed";
        var connected = Decision switch
        {
            RoutingOutcome.ConnectAgent => bridged ?? (Screening == ScreeningResult.Accepted && completed),
            RoutingOutcome.Forward => bridged ?? completed,
            _ => false,
        };
        var callerGone = dialStatus == "canceled" || callerStatus is "completed" or "canceled";

        Outcome = (Decision, connected) switch
        {
            (RoutingOutcome.ConnectAgent, true) => CallOutcome.Connected,
            (RoutingOutcome.Forward, true) => CallOutcome.Forwarded,
            (RoutingOutcome.ConnectAgent, false) => Screening switch
            {
                ScreeningResult.Declined => CallOutcome.AgentDeclined,
                ScreeningResult.NoInput => CallOutcome.AgentNoInput,
                _ when callerGone => CallOutcome.CallerHungUp,
                _ => dialStatus switch
                {
                    "completed" => CallOutcome.AgentHungUp,
                    "busy" => CallOutcome.AgentBusy,
                    "no-answer" => CallOutcome.AgentNoAnswer,
                    _ => CallOutcome.AgentFailed,
                },
            },
            (RoutingOutcome.Forward, false) => callerGone ? CallOutcome.CallerHungUp : dialStatus switch
            {
                "busy" => CallOutcome.ForwardBusy,
                "no-answer" => CallOutcome.ForwardNoAnswer,
                _ => CallOutcome.ForwardFailed,
            },
            _ => Outcome,
        };
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        Touch();
        return connected;
    }

    /// <summary>Adds a provider status once; statuses may arrive late, repeated or out of order.</summary>
    public bool RecordStatus(CallLeg leg, string status, DateTime at, int? durationSeconds)
    {
        if (_statuses.Any(s => s.Leg == leg && s.Status == status))
        {
            return false;
        }

        _statuses.Add(new CallStatusEvent { Leg = leg, Status = status, At = at, DurationSeconds = durationSeconds });
        if (leg == CallLeg.Caller)
        {
            if (CallerStatus is null || StatusRank(status) >= StatusRank(CallerStatus))
            {
                CallerStatus = status;
            }

            if (IsTerminal(status))
            {
                EndedAt = at;
                DurationSeconds = durationSeconds ?? DurationSeconds;
            }
        }
        else if (leg == CallLeg.Agent && status is "in-progress" or "answered")
        {
            AgentAnsweredAt ??= at;
        }

        Touch();
        return true;
    }

    public void MarkFailed()
    {
        Outcome ??= CallOutcome.Failed;
        Touch();
    }

    private static bool IsTerminal(string status) => status is "completed" or "busy" or "no-answer" or "failed" or "canceled";

    private static int StatusRank(string status) => status switch
    {
        "queued" => 0,
        "initiated" => 1,
        "ringing" => 2,
        "in-progress" or "answered" => 3,
        _ => IsTerminal(status) ? 4 : -1,
    };

    private void Touch() => Version++;
}

public sealed class CallStatusEvent
{
    public long Id { get; private set; }
    public long CallId { get; private set; }
    public CallLeg Leg { get; init; }
    public required string Status { get; init; }
    public DateTime At { get; init; }
    public int? DurationSeconds { get; init; }
}
