using Switchboard.Routing;

namespace Switchboard.Calls;

/// <summary>How the dial to the agent or forward target ended, for the caller; Team: ring the team next.</summary>
public enum DialEnd { Connected, Ended, Fallback, Team }

/// <summary>
/// The life of an inbound call: decided by <see cref="RoutingPolicy"/> when it arrives; the agent hears who calls
/// and presses 1 (or not); the dial to the agent or forward target ends; an agent who did not take the call hands
/// it on to the fallback number; the caller's own leg reports when the call is over.
/// </summary>
public sealed partial class CallRecord
{
    public string? ForwardTo { get; init; }

    /// <summary>When the last text to the caller that chose the agent was sent.</summary>
    public DateTime? LastTextAt { get; init; }

    /// <summary>A rejected call heard the unavailable message before it ended, instead of a silent refusal.</summary>
    public bool RejectedWithMessage { get; init; }

    /// <summary>
    /// The provider's caller-verification result as it sent it (Twilio's StirVerstat), e.g. "TN-Validation-Passed-A".
    /// </summary>
    public string? Verification { get; init; }

    /// <summary>
    /// Connect to agent: where the call goes when the agent does not take it; null: the caller hears the message.
    /// </summary>
    public string? FallbackForwardTo { get; init; }

    /// <summary>When the call went on to <see cref="FallbackForwardTo"/> because the agent did not take it.</summary>
    public DateTime? FallbackStartedAt { get; private set; }

    public CallStatus? FallbackDialStatus { get; private set; }

    /// <summary>
    /// What the agent's leg came to (connected, declined, no answer…), whatever happened to the call after it.
    /// </summary>
    public CallOutcome? AgentOutcome { get; private set; }

    public string? AgentCallSid { get; private set; }

    /// <summary>The furthest status the caller's own leg has reported.</summary>
    public CallStatus? CallerStatus { get; private set; }

    /// <summary>An inbound call is over once it has an outcome.</summary>
    private bool InboundIsOver => Outcome is not null;

    public static CallRecord Decided(
        string callSid,
        string platformNumber,
        string? contact,
        RoutingFacts facts,
        RoutingDecision decision,
        DateTime now,
        string? verification = null,
        string? provider = null) => new()
    {
        Provider = provider,
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
        TeamMode = decision.RingTeam.Mode == RingTeamMode.Off ? null : decision.RingTeam.Mode,
        Outcome = decision.Outcome switch
        {
            RoutingOutcome.Reject => CallOutcome.Rejected,
            // The agent could not take calls, and the team rings first (CallRecord.Team.cs): not over yet.
            RoutingOutcome.AgentUnavailable when decision.RingTeam.Mode != RingTeamMode.Off => null,
            RoutingOutcome.AgentUnavailable => CallOutcome.AgentUnavailable,
            RoutingOutcome.AfterHours => CallOutcome.AfterHours,
            _ => null,
        },
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
    /// "bridged" flag when present, otherwise from our own record of the screening. An agent who did not take
    /// the call hands it on to the fallback number, when there is one and the caller is still there.
    /// </summary>
    /// <param name="callerStatus">The caller's leg as the provider reported it with the dial's end.</param>
    public DialEnd FinishDial(
        CallStatus? dialStatus,
        bool? bridged,
        int? dialSeconds,
        CallStatus? callerStatus,
        DateTime now)
    {
        if (Direction != CallDirection.Inbound)
        {
            return DialEnd.Ended;
        }

        if (FallbackStartedAt is not null)
        {
            return DialEnd.Fallback;
        }

        if (TeamStartedAt is not null)
        {
            return Outcome is null ? DialEnd.Team : DialEnd.Ended;
        }

        DialStatus = dialStatus;
        var completed = dialStatus == CallStatus.Completed;
        var connected = Decision switch
        {
            RoutingOutcome.ConnectAgent => bridged ?? (Screening == ScreeningResult.Accepted && completed),
            RoutingOutcome.Forward => bridged ?? completed,
            _ => false,
        };
        var callerGone = CallerGoneAt(dialStatus, callerStatus) || CallerStatus?.IsEnded() == true;

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
                    CallStatus.Completed => CallOutcome.AgentHungUp,
                    CallStatus.Busy => CallOutcome.AgentBusy,
                    CallStatus.NoAnswer => CallOutcome.AgentNoAnswer,
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
            if (!connected && !callerGone && TeamMode is not null)
            {
                // Not over yet: the team rings next (CallRecord.Team.cs), then the fallback number or the message.
                Outcome = null;
                Touch();
                return DialEnd.Team;
            }

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
    public bool FinishFallback(CallStatus? dialStatus, bool? bridged, int? dialSeconds, CallStatus? callerStatus)
    {
        if (FallbackStartedAt is null || Outcome is not null)
        {
            return Outcome == CallOutcome.Forwarded;
        }

        FallbackDialStatus = dialStatus;
        var connected = bridged ?? dialStatus == CallStatus.Completed;
        Outcome = connected
            ? CallOutcome.Forwarded
            : ForwardOutcome(dialStatus, CallerGoneAt(dialStatus, callerStatus));
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        Touch();
        return connected;
    }

    private void AdvanceInbound(CallLeg leg, CallStatus status, DateTime at, int? durationSeconds)
    {
        if (leg == CallLeg.Caller)
        {
            if (CallerStatus is null || status.Rank() >= CallerStatus.Value.Rank())
            {
                CallerStatus = status;
            }

            if (status.IsEnded())
            {
                Ended(at, durationSeconds);
                EndByCaller();
            }
        }
        else if (leg == CallLeg.Agent && status.IsAnswered())
        {
            AgentAnsweredAt ??= at;
        }
    }

    /// <summary>
    /// The caller's leg ended while the call had no outcome yet (its dial's end never came, or comes later): an agent
    /// who had pressed 1, or a forward target that answered, was connected; otherwise the caller hung up first — while
    /// the agent's phone rang or the agent heard the prompt, or while the fallback number rang (abandoned).
    /// </summary>
    private void EndByCaller()
    {
        if (Outcome is not null
            || Decision is not (RoutingOutcome.ConnectAgent or RoutingOutcome.Forward
                or RoutingOutcome.AgentUnavailable))
        {
            return;
        }

        if (Decision == RoutingOutcome.AgentUnavailable || (TeamStartedAt is not null && FallbackStartedAt is null))
        {
            // The team was ringing (or about to): whoever of it had pressed 1 was connected.
            var fallbackAnswered = FallbackStartedAt is not null
                && _statuses.Any(s => s.Leg == CallLeg.Fallback && s.Status.IsAnswered());
            Outcome = TeamAgentId is not null ? CallOutcome.Connected
                : fallbackAnswered ? CallOutcome.Forwarded : CallOutcome.CallerHungUp;
            return;
        }

        var forwardLeg = FallbackStartedAt is null ? CallLeg.Forward : CallLeg.Fallback;
        var forwardAnswered = _statuses.Any(s => s.Leg == forwardLeg && s.Status.IsAnswered());
        Outcome = (Decision, FallbackStartedAt) switch
        {
            (RoutingOutcome.ConnectAgent, null) when Screening == ScreeningResult.Accepted => CallOutcome.Connected,
            (RoutingOutcome.ConnectAgent, not null) or (RoutingOutcome.Forward, _) when forwardAnswered =>
                CallOutcome.Forwarded,
            _ => CallOutcome.CallerHungUp,
        };
        if (Decision == RoutingOutcome.ConnectAgent && FallbackStartedAt is null)
        {
            AgentOutcome = Outcome;
        }
    }

    /// <summary>A canceled dial means the caller hung up while it rang.</summary>
    private static bool CallerGoneAt(CallStatus? dialStatus, CallStatus? callerStatus) =>
        dialStatus == CallStatus.Canceled || callerStatus is CallStatus.Completed or CallStatus.Canceled;

    private static CallOutcome ForwardOutcome(CallStatus? dialStatus, bool callerGone) =>
        callerGone ? CallOutcome.CallerHungUp : dialStatus switch
        {
            CallStatus.Busy => CallOutcome.ForwardBusy,
            CallStatus.NoAnswer => CallOutcome.ForwardNoAnswer,
            _ => CallOutcome.ForwardFailed,
        };
}
