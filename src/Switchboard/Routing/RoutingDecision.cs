namespace Switchboard.Routing;

public enum RoutingOutcome { Reject, Forward, ConnectAgent, AgentUnavailable }

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

    public string Explanation => string.Join(" → ", Steps);
}
