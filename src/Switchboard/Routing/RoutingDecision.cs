namespace Switchboard.Routing;

public enum RoutingOutcome { Reject, Forward, ConnectAgent, AgentUnavailable, AfterHours }

public enum DecisionReason
{
    NumberUnknown,
    NumberUnassigned,
    InboxRejects,
    InboxForwards,
    CallerWithheld,
    NeverTextedFromGroup,
    GroupForwards,
    OrganizationForwards,
    LastAgentByGroup,
    LastAgentByOrganization,
    AgentInactive,
    AgentDeleted,
    AgentHasNoPhone,
    AgentCallsContact,
    AgentNotInGroup,
    LastTextTooOld,
    CallerBlocked,
    VerificationFailed,
    ClosedNow,
}

/// <summary>Where the call goes, why, and the steps that led there (free of personal numbers).</summary>
public sealed record RoutingDecision
{
    public required RoutingOutcome Outcome { get; init; }
    public required DecisionReason Reason { get; init; }
    public required IReadOnlyList<string> Steps { get; init; }
    public string? ForwardTo { get; init; }
    public long? AgentId { get; init; }
    public string? AgentPhone { get; init; }

    /// <summary>
    /// Connect to agent: where the call goes when the agent does not take it; null: the caller hears the message.
    /// </summary>
    public string? FallbackForwardTo { get; init; }

    /// <summary>
    /// What the caller hears when nobody takes the call (or on a rejection with a message); null: the stock message.
    /// </summary>
    public CallerMessage? Message { get; init; }

    /// <summary>
    /// A rejection plays <see cref="Message"/>, then hangs up, instead of refusing the call silently.
    /// </summary>
    public bool RejectWithMessage { get; init; }

    /// <summary>
    /// Closed now: what the call gets instead (forward mode also sets <see cref="ForwardTo"/>, with outcome Forward).
    /// </summary>
    public AfterHoursMode? AfterHours { get; init; }

    /// <summary>The language of the words Switchboard speaks on this call ("en-US" or "es-US").</summary>
    public string Language { get; init; } = CallerLanguage.English;

    /// <summary>
    /// Connect to agent: whom else to ring when the agent does not take the call, before the fallback or the message.
    /// </summary>
    public RingTeam RingTeam { get; init; } = RingTeam.Off;

    public string Explanation => string.Join(" → ", Steps);
}
