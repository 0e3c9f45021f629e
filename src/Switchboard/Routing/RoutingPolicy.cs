using Switchboard.Phones;

namespace Switchboard.Routing;

/// <summary>SPEC.md part 1, "Deciding an inbound call": a pure function of the facts.</summary>
public static class RoutingPolicy
{
    public static RoutingDecision Decide(RoutingFacts facts)
    {
        var steps = new List<string>();

        if (facts.Number is not { } number)
        {
            steps.Add("The called number is not a platform number");
            return Decision(RoutingOutcome.Reject, DecisionReason.NumberUnknown, steps);
        }

        switch (number.Owner)
        {
            case null:
                steps.Add($"Number {number.Number} is not assigned to a group or an inbox");
                return Decision(RoutingOutcome.Reject, DecisionReason.NumberUnassigned, steps);
            case InboxFacts inbox:
                steps.Add($"Number {number.Number} belongs to inbox \"{inbox.Name}\"");
                return DecideForInbox(inbox, steps);
            case GroupFacts group:
                steps.Add($"Number {number.Number} belongs to group \"{group.Name}\"");
                return DecideForGroup(group, facts.Caller, steps);
            default:
                throw new InvalidOperationException($"Unknown owner {number.Owner.GetType().Name}");
        }
    }

    private static RoutingDecision DecideForInbox(InboxFacts inbox, List<string> steps)
    {
        if (inbox.Mode == InboxMode.Forward && inbox.ForwardTo is { } forwardTo)
        {
            steps.Add($"The inbox forwards calls to {PhoneMask.Mask(forwardTo)}");
            return Decision(RoutingOutcome.Forward, DecisionReason.InboxForwards, steps) with { ForwardTo = forwardTo };
        }

        steps.Add("The inbox rejects inbound calls");
        return Decision(RoutingOutcome.Reject, DecisionReason.InboxRejects, steps);
    }

    private static RoutingDecision DecideForGroup(GroupFacts group, string? caller, List<string> steps)
    {
        if (caller is null)
        {
            steps.Add("The caller's number is withheld, so no text from the group can be matched");
            return Decision(RoutingOutcome.Reject, DecisionReason.CallerWithheld, steps);
        }

        if (group.LastTexter is not { } lastTexter)
        {
            steps.Add("The caller was never texted from this group");
            return Decision(RoutingOutcome.Reject, DecisionReason.NeverTextedFromGroup, steps);
        }

        var (forwards, forwardTo, byGroup) = EffectiveSetting(group);
        steps.Add(byGroup
            ? "The group sets its own inbound-call routing"
            : "The group follows the organization's inbound-call routing");

        if (forwards && forwardTo is not null)
        {
            steps.Add($"Calls are forwarded to {PhoneMask.Mask(forwardTo)}");
            var reason = byGroup ? DecisionReason.GroupForwards : DecisionReason.OrganizationForwards;
            return Decision(RoutingOutcome.Forward, reason, steps) with { ForwardTo = forwardTo };
        }

        steps.Add($"Calls go to the agent who last texted the caller: agent {lastTexter.AgentId} at {lastTexter.SentAt:u}");
        var unavailable = lastTexter switch
        {
            { State: AgentState.Deleted } => (DecisionReason?)DecisionReason.AgentDeleted,
            { State: AgentState.Inactive } => DecisionReason.AgentInactive,
            { Phone: null or "" } => DecisionReason.AgentHasNoPhone,
            _ => null,
        };
        if (unavailable is { } why)
        {
            steps.Add(why switch
            {
                DecisionReason.AgentDeleted => "That agent has been deleted",
                DecisionReason.AgentInactive => "That agent is inactive",
                _ => "That agent has no personal phone number",
            });
            return Decision(RoutingOutcome.AgentUnavailable, why, steps) with { AgentId = lastTexter.AgentId };
        }

        steps.Add("The agent's phone rings and the agent must press 1 to accept");
        var connectReason = byGroup ? DecisionReason.LastAgentByGroup : DecisionReason.LastAgentByOrganization;
        return Decision(RoutingOutcome.ConnectAgent, connectReason, steps) with
        {
            AgentId = lastTexter.AgentId,
            AgentPhone = lastTexter.Phone,
        };
    }

    private static (bool Forwards, string? ForwardTo, bool ByGroup) EffectiveSetting(GroupFacts group) => group.Mode switch
    {
        GroupMode.Forward => (true, group.ForwardTo, true),
        GroupMode.LastAgent => (false, null, true),
        _ => (group.OrganizationMode == OrganizationMode.Forward, group.OrganizationForwardTo, false),
    };

    private static RoutingDecision Decision(RoutingOutcome outcome, DecisionReason reason, List<string> steps) =>
        new() { Outcome = outcome, Reason = reason, Steps = steps };
}
