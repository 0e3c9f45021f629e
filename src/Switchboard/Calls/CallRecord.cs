using Switchboard.Events;
using Switchboard.Routing;

namespace Switchboard.Calls;

public enum CallDirection { Inbound, Outbound }

/// <summary>How far an outbound call has come; inbound calls have none.</summary>
public enum OutboundStage { Requested, AgentRinging, AgentAnswered, AgentConfirmed, ContactRinging, Connected, Ended }

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

    /// <summary>Outside hours: the caller heard the after-hours message (or the voicemail prompt).</summary>
    AfterHours,
}

public enum CallLeg { Caller, Agent, Forward, Contact, Fallback }

/// <summary>How the dial to the agent or forward target ended, for the caller.</summary>
public enum DialEnd { Connected, Ended, Fallback }

/// <summary>
/// One call's life, from the routing decision (or an agent's request to call out) to the last status. State
/// changes go through its methods, which ignore what does not fit the call (a screening result on a forwarded
/// call, a repeated callback, an outbound step out of turn).
/// </summary>
public sealed class CallRecord
{
    /// <summary>An outbound call's CallSid until the provider has given it one of its own.</summary>
    public const string LocalSidPrefix = "local:";

    private readonly List<CallStatusEvent> _statuses = [];
    private readonly List<CallEvent> _events = [];

    public long Id { get; private set; }
    public string CallSid { get; private set; } = "";
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

    /// <summary>When the last text to the caller that chose the agent was sent.</summary>
    public DateTime? LastTextAt { get; init; }

    /// <summary>The provider's caller-verification result as it sent it (Twilio's StirVerstat), e.g. "TN-Validation-Passed-A".</summary>
    public string? Verification { get; init; }

    /// <summary>A rejected call heard the unavailable message before it ended, instead of a silent refusal.</summary>
    public bool RejectedWithMessage { get; init; }

    /// <summary>Connect to agent: where the call goes when the agent does not take it; null: the caller hears the message.</summary>
    public string? FallbackForwardTo { get; init; }

    /// <summary>When the call went on to <see cref="FallbackForwardTo"/> because the agent did not take it.</summary>
    public DateTime? FallbackStartedAt { get; private set; }

    public string? FallbackDialStatus { get; private set; }

    /// <summary>What the agent's leg came to (connected, declined, no answer…), whatever happened to the call after it.</summary>
    public CallOutcome? AgentOutcome { get; private set; }

    public ScreeningResult? Screening { get; private set; }
    public string? ScreeningDigits { get; private set; }
    public string? AgentCallSid { get; private set; }
    public CallOutcome? Outcome { get; private set; }
    public string? DialStatus { get; private set; }
    public string? CallerStatus { get; private set; }

    /// <summary>Outbound calls only: how far the call has come.</summary>
    public OutboundStage? Stage { get; private set; }

    /// <summary>What went wrong, in the provider's words when it refused (e.g. "21211: Invalid 'To' Phone Number").</summary>
    public string? FailureDetail { get; private set; }

    public DateTime StartedAt { get; init; }
    public DateTime? AgentAnsweredAt { get; private set; }
    public DateTime? ScreenedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public int? DurationSeconds { get; private set; }
    public int? TalkSeconds { get; private set; }

    /// <summary>Bumped on every change; concurrent callbacks for one call retry instead of overwriting each other.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<CallStatusEvent> Statuses => _statuses;

    /// <summary>Events for the organization's texting platform, stored with the change that produced them.</summary>
    public IReadOnlyList<CallEvent> Events => _events;

    /// <summary>The provider's CallSid, or null while an outbound call has none yet.</summary>
    public string? ProviderCallSid => CallSid.StartsWith(LocalSidPrefix, StringComparison.Ordinal) ? null : CallSid;

    /// <summary>
    /// Nothing more will change what the call came to: an inbound call once it has an outcome; an outbound call
    /// once the agent's leg has ended and, when the agent pressed 1, the dial to the contact has reported too
    /// (the provider may send the two in either order).
    /// </summary>
    public bool IsOver => Direction == CallDirection.Inbound
        ? Outcome is not null
        : Stage == OutboundStage.Ended && (Screening != ScreeningResult.Accepted || DialStatus is not null);

    public static CallRecord Decided(string callSid, string platformNumber, string? contact, RoutingFacts facts, RoutingDecision decision, DateTime now, string? verification = null) => new()
    {
        Verification = verification,
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
        FallbackForwardTo = decision.FallbackForwardTo,
        LastTextAt = (facts.Number?.Owner as GroupFacts)?.LastTexter?.SentAt,
        RejectedWithMessage = decision.RejectWithMessage,
        StartedAt = now,
        Outcome = decision.Outcome switch
        {
            RoutingOutcome.Reject => CallOutcome.Rejected,
            RoutingOutcome.AgentUnavailable => CallOutcome.AgentUnavailable,
            RoutingOutcome.AfterHours => CallOutcome.AfterHours,
            _ => null,
        },
    };

    /// <summary>An agent asked to call a contact they texted: the agent's phone rings first, then the contact's.</summary>
    public static CallRecord Requested(long organizationId, long agentId, string contact, OutboundLine line, DateTime now) => new()
    {
        CallSid = LocalSidPrefix + Guid.NewGuid().ToString("N"),
        Direction = CallDirection.Outbound,
        OrganizationId = organizationId,
        PlatformNumber = line.Number,
        Contact = contact,
        GroupId = line.GroupId,
        InboxId = line.InboxId,
        Decision = RoutingOutcome.ConnectAgent,
        Reason = DecisionReason.AgentCallsContact,
        Explanation = $"Agent {agentId} calls a contact they texted from {line.Number} at {line.LastTextAt:u} → " +
            "the agent's phone rings first, showing that number, and the agent presses 1 to call the contact from it",
        AgentId = agentId,
        StartedAt = now,
        Stage = OutboundStage.Requested,
    };

    /// <summary>The agent picked up and is about to hear the prompt.</summary>
    public bool StartScreening(string? agentCallSid, DateTime now)
    {
        if (Direction != CallDirection.Inbound || Decision != RoutingOutcome.ConnectAgent || Screening is not null)
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
        if (Direction != CallDirection.Inbound || Decision != RoutingOutcome.ConnectAgent)
        {
            return ScreeningResult.Declined;
        }

        return RecordScreening(digits, now);
    }

    /// <summary>
    /// The dial to the agent or forward target ended. Whether it was connected comes from the provider's
    /// <c>DialBridged</c> when present, otherwise from our own record of the screening. An agent who did not take
    /// the call hands it on to the fallback number, when there is one and the caller is still there.
    /// </summary>
    public DialEnd FinishDial(string? dialStatus, bool? bridged, int? dialSeconds, string? callerStatus, DateTime now)
    {
        if (Direction != CallDirection.Inbound)
        {
            return DialEnd.Ended;
        }

        if (FallbackStartedAt is not null)
        {
            return DialEnd.Fallback;
        }

        DialStatus = dialStatus;
        var completed = dialStatus == "completed";
        var connected = Decision switch
        {
            RoutingOutcome.ConnectAgent => bridged ?? (Screening == ScreeningResult.Accepted && completed),
            RoutingOutcome.Forward => bridged ?? completed,
            _ => false,
        };
        var callerGone = CallerGone(dialStatus, callerStatus);

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
            (RoutingOutcome.Forward, false) => ForwardOutcome(dialStatus, callerGone),
            _ => Outcome,
        };
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        if (Decision == RoutingOutcome.ConnectAgent)
        {
            AgentOutcome = Outcome;
            if (!connected && !callerGone && FallbackForwardTo is not null)
            {
                // Not over yet: the fallback number rings next, and its dial decides what the call came to.
                Outcome = null;
                FallbackStartedAt = now;
                Touch();
                return DialEnd.Fallback;
            }
        }

        Touch();
        return connected ? DialEnd.Connected : DialEnd.Ended;
    }

    /// <summary>The dial to the fallback number ended; true when the caller was connected to it.</summary>
    public bool FinishFallback(string? dialStatus, bool? bridged, int? dialSeconds, string? callerStatus)
    {
        if (FallbackStartedAt is null || Outcome is not null)
        {
            return Outcome == CallOutcome.Forwarded;
        }

        FallbackDialStatus = dialStatus;
        var connected = bridged ?? dialStatus == "completed";
        Outcome = connected ? CallOutcome.Forwarded : ForwardOutcome(dialStatus, CallerGone(dialStatus, callerStatus));
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        Touch();
        return connected;
    }

    /// <summary>The provider took the request to ring the agent and gave the call its CallSid.</summary>
    public bool AgentDialed(string providerCallSid)
    {
        if (Stage != OutboundStage.Requested)
        {
            return false;
        }

        AdoptCallSid(providerCallSid);
        Stage = OutboundStage.AgentRinging;
        Touch();
        return true;
    }

    /// <summary>The provider turned the request down, or could not be reached: the call ends before anything rang.</summary>
    public bool AgentDialFailed(CallOutcome outcome, string detail, DateTime now)
    {
        if (Stage != OutboundStage.Requested)
        {
            return false;
        }

        Outcome = outcome;
        FailureDetail = Shorten(detail);
        Stage = OutboundStage.Ended;
        EndedAt = now;
        Touch();
        return true;
    }

    /// <summary>The provider did not answer in time: the call may still ring, and its callbacks will tell.</summary>
    public void AgentDialUncertain(string detail)
    {
        if (Stage == OutboundStage.Requested)
        {
            FailureDetail = Shorten(detail);
            Touch();
        }
    }

    /// <summary>The agent picked up the outbound call and is about to hear "press 1".</summary>
    public bool AgentAnswered(string? providerCallSid, DateTime now)
    {
        if (Stage is not (OutboundStage.Requested or OutboundStage.AgentRinging))
        {
            return false;
        }

        AdoptCallSid(providerCallSid);
        Stage = OutboundStage.AgentAnswered;
        AgentAnsweredAt ??= now;
        Touch();
        return true;
    }

    /// <summary>The agent's key at the outbound prompt: 1 places the call to the contact; anything else ends it.</summary>
    public ScreeningResult ConfirmByAgent(string? digits, DateTime now)
    {
        if (Stage != OutboundStage.AgentAnswered)
        {
            return Screening ?? ScreeningResult.Declined;
        }

        var result = RecordScreening(digits, now);
        if (result == ScreeningResult.Accepted)
        {
            Stage = OutboundStage.AgentConfirmed;
        }
        else
        {
            Outcome = result == ScreeningResult.NoInput ? CallOutcome.AgentNoInput : CallOutcome.AgentDeclined;
        }

        return result;
    }

    /// <summary>The dial from the agent to the contact ended; true when the two talked.</summary>
    public bool ContactDialEnded(string? dialStatus, bool? bridged, int? dialSeconds)
    {
        var dialing = Stage is OutboundStage.AgentConfirmed or OutboundStage.ContactRinging or OutboundStage.Connected;
        var endedFirst = Stage == OutboundStage.Ended && Screening == ScreeningResult.Accepted && DialStatus is null;
        if (!dialing && !endedFirst)
        {
            return Outcome == CallOutcome.Connected;
        }

        DialStatus = dialStatus;
        var connected = bridged ?? dialStatus == "completed";
        Outcome = connected ? CallOutcome.Connected : dialStatus switch
        {
            "busy" => CallOutcome.ContactBusy,
            "no-answer" => CallOutcome.ContactNoAnswer,
            "canceled" => CallOutcome.AgentHungUp,
            _ => CallOutcome.ContactFailed,
        };
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        Touch();
        return connected;
    }

    /// <summary>Adds a provider status once; statuses may arrive late, repeated or out of order.</summary>
    public bool RecordStatus(CallLeg leg, string status, DateTime at, int? durationSeconds, string? providerCallSid = null)
    {
        if (_statuses.Any(s => s.Leg == leg && s.Status == status))
        {
            return false;
        }

        _statuses.Add(new CallStatusEvent { Leg = leg, Status = status, At = at, DurationSeconds = durationSeconds });
        if (Direction == CallDirection.Outbound)
        {
            Advance(leg, status, at, durationSeconds, providerCallSid);
        }
        else if (leg == CallLeg.Caller)
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

    /// <summary>Queues an event for the texting platform; it is stored with this change of the record.</summary>
    public void Report(CallEvent callEvent) => _events.Add(callEvent);

    /// <summary>An outbound call's legs: the agent's is the call the provider placed, the contact's the one it dialed.</summary>
    private void Advance(CallLeg leg, string status, DateTime at, int? durationSeconds, string? providerCallSid)
    {
        if (Stage is null or OutboundStage.Ended)
        {
            return;
        }

        if (leg == CallLeg.Agent)
        {
            AdoptCallSid(providerCallSid);
            if (status == "ringing" && Stage == OutboundStage.Requested)
            {
                Stage = OutboundStage.AgentRinging;
            }
            else if (IsTerminal(status))
            {
                Outcome ??= (status, Stage) switch
                {
                    (_, OutboundStage.Connected) => CallOutcome.Connected,
                    ("completed", OutboundStage.AgentRinging or OutboundStage.Requested) => CallOutcome.AgentNoAnswer,
                    ("completed", _) => CallOutcome.AgentHungUp,
                    ("busy", _) => CallOutcome.AgentBusy,
                    ("no-answer", _) => CallOutcome.AgentNoAnswer,
                    ("canceled", _) => CallOutcome.AgentHungUp,
                    _ => CallOutcome.AgentFailed,
                };
                Stage = OutboundStage.Ended;
                EndedAt = at;
                DurationSeconds = durationSeconds ?? DurationSeconds;
            }
        }
        else if (leg == CallLeg.Contact)
        {
            Stage = (status, Stage) switch
            {
                ("ringing" or "initiated", OutboundStage.AgentConfirmed) => OutboundStage.ContactRinging,
                ("in-progress" or "answered", OutboundStage.AgentConfirmed or OutboundStage.ContactRinging) => OutboundStage.Connected,
                _ => Stage,
            };
        }
    }

    private ScreeningResult RecordScreening(string? digits, DateTime now)
    {
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

    private void AdoptCallSid(string? providerCallSid)
    {
        if (ProviderCallSid is null && providerCallSid is { Length: > 0 and <= 64 })
        {
            CallSid = providerCallSid;
        }
    }

    private static bool CallerGone(string? dialStatus, string? callerStatus) =>
        dialStatus == "canceled" || callerStatus is "completed" or "canceled";

    private static CallOutcome ForwardOutcome(string? dialStatus, bool callerGone) => callerGone ? CallOutcome.CallerHungUp : dialStatus switch
    {
        "busy" => CallOutcome.ForwardBusy,
        "no-answer" => CallOutcome.ForwardNoAnswer,
        _ => CallOutcome.ForwardFailed,
    };

    private static string Shorten(string detail) => detail.Length <= 500 ? detail : detail[..500];

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

/// <summary>The platform number an agent last texted a contact from, and what owned it then.</summary>
public sealed record OutboundLine(string Number, long? GroupId, long? InboxId, DateTime LastTextAt);

public sealed class CallStatusEvent
{
    public long Id { get; private set; }
    public long CallId { get; private set; }
    public CallLeg Leg { get; init; }
    public required string Status { get; init; }
    public DateTime At { get; init; }
    public int? DurationSeconds { get; init; }
}
