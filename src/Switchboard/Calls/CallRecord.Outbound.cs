using Switchboard.Routing;

namespace Switchboard.Calls;

/// <summary>How far an outbound call has come; inbound calls have none.</summary>
public enum OutboundStage { Requested, AgentRinging, AgentAnswered, AgentConfirmed, ContactRinging, Connected, Ended }

/// <summary>The platform number an agent last texted a contact from, and what owned it then.</summary>
public sealed record OutboundLine(string Number, long? GroupId, long? InboxId, DateTime LastTextAt);

/// <summary>
/// The life of an outbound call: an agent asks to call a contact they texted; the provider rings the agent
/// (or refuses); the agent picks up and presses 1; the dial to the contact ends; the agent's leg reports the end.
/// </summary>
public sealed partial class CallRecord
{
    /// <summary>An outbound call's CallSid until the provider has given it one of its own.</summary>
    public const string LocalSidPrefix = "local:";

    /// <summary>Outbound calls only: how far the call has come.</summary>
    public OutboundStage? Stage { get; private set; }

    /// <summary>
    /// What went wrong, in the provider's words when it refused (e.g. "21211: Invalid 'To' Phone Number").
    /// </summary>
    public string? FailureDetail { get; private set; }

    /// <summary>The provider's CallSid, or null while an outbound call has none yet.</summary>
    public string? ProviderCallSid => CallSid.StartsWith(LocalSidPrefix, StringComparison.Ordinal) ? null : CallSid;

    /// <summary>
    /// Over once the agent's leg has ended and, when the agent pressed 1, the dial to the contact has reported too
    /// (the provider may send the two in either order).
    /// </summary>
    private bool OutboundIsOver =>
        Stage == OutboundStage.Ended && (Screening != ScreeningResult.Accepted || DialStatus is not null);

    /// <summary>
    /// An agent asked to call a contact they texted: the agent's phone rings first, then the contact's.
    /// </summary>
    public static CallRecord Requested(
        long organizationId,
        long agentId,
        string contact,
        OutboundLine line,
        DateTime now) => new()
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

    /// <summary>
    /// The provider (by its webhook segment) took the request to ring the agent and gave the call its CallSid.
    /// </summary>
    public bool AgentDialed(string providerCallSid, string? provider = null)
    {
        if (Stage != OutboundStage.Requested)
        {
            return false;
        }

        AdoptCallSid(providerCallSid);
        Provider ??= provider;
        Stage = OutboundStage.AgentRinging;
        Touch();
        return true;
    }

    /// <summary>
    /// The provider turned the request down, or could not be reached: the call ends before anything rang.
    /// </summary>
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

    /// <summary>
    /// The agent's key at the outbound prompt: 1 places the call to the contact; anything else ends it.
    /// </summary>
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
    public bool ContactDialEnded(CallStatus? dialStatus, bool? bridged, int? dialSeconds)
    {
        var dialing = Stage is OutboundStage.AgentConfirmed or OutboundStage.ContactRinging or OutboundStage.Connected;
        var endedFirst = Stage == OutboundStage.Ended && Screening == ScreeningResult.Accepted && DialStatus is null;
        if (!dialing && !endedFirst)
        {
            return Outcome == CallOutcome.Connected;
        }

        DialStatus = dialStatus;
        var connected = bridged ?? dialStatus == CallStatus.Completed;
        Outcome = connected ? CallOutcome.Connected : dialStatus switch
        {
            CallStatus.Busy => CallOutcome.ContactBusy,
            CallStatus.NoAnswer => CallOutcome.ContactNoAnswer,
            CallStatus.Canceled => CallOutcome.AgentHungUp,
            _ => CallOutcome.ContactFailed,
        };
        if (connected)
        {
            TalkSeconds = dialSeconds;
        }

        Touch();
        return connected;
    }

    /// <summary>
    /// An outbound call's legs: the agent's is the call the provider placed, the contact's the one it dialed.
    /// </summary>
    private void AdvanceOutbound(
        CallLeg leg,
        CallStatus status,
        DateTime at,
        int? durationSeconds,
        string? providerCallSid)
    {
        if (Stage is null or OutboundStage.Ended)
        {
            return;
        }

        if (leg == CallLeg.Agent)
        {
            AdoptCallSid(providerCallSid);
            if (status == CallStatus.Ringing && Stage == OutboundStage.Requested)
            {
                Stage = OutboundStage.AgentRinging;
            }
            else if (status.IsEnded())
            {
                Outcome ??= (status, Stage) switch
                {
                    (_, OutboundStage.Connected) => CallOutcome.Connected,
                    (CallStatus.Completed, OutboundStage.AgentRinging or OutboundStage.Requested) =>
                        CallOutcome.AgentNoAnswer,
                    (CallStatus.Completed, _) => CallOutcome.AgentHungUp,
                    (CallStatus.Busy, _) => CallOutcome.AgentBusy,
                    (CallStatus.NoAnswer, _) => CallOutcome.AgentNoAnswer,
                    (CallStatus.Canceled, _) => CallOutcome.AgentHungUp,
                    _ => CallOutcome.AgentFailed,
                };
                Stage = OutboundStage.Ended;
                Ended(at, durationSeconds);
            }
        }
        else if (leg == CallLeg.Contact)
        {
            Stage = (status, Stage) switch
            {
                (CallStatus.Ringing or CallStatus.Initiated, OutboundStage.AgentConfirmed) =>
                    OutboundStage.ContactRinging,
                (_, OutboundStage.AgentConfirmed or OutboundStage.ContactRinging) when status.IsAnswered() =>
                    OutboundStage.Connected,
                _ => Stage,
            };
        }
    }

    private void AdoptCallSid(string? providerCallSid)
    {
        if (ProviderCallSid is null && providerCallSid is { Length: > 0 and <= 64 })
        {
            CallSid = providerCallSid;
        }
    }

    private static string Shorten(string detail) => detail.Length <= 500 ? detail : detail[..500];
}
