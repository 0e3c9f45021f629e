using Switchboard.Phones;

namespace Switchboard.Routing;

/// <summary>Routing rules R1–R3 of docs/routing.md, with its options B1–B4: a pure function of the facts.</summary>
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
                return DecideForInbox(inbox, number.OrganizationMessage, steps);
            case GroupFacts group:
                steps.Add($"Number {number.Number} belongs to group \"{group.Name}\"");
                return DecideForGroup(group, number.OrganizationMessage, facts, steps);
            default:
                throw new InvalidOperationException($"Unknown owner {number.Owner.GetType().Name}");
        }
    }

    private static RoutingDecision DecideForInbox(
        InboxFacts inbox,
        CallerMessage? organizationMessage,
        List<string> steps)
    {
        var message = CallerMessage.Heard(inbox.Message, organizationMessage);
        if (inbox.Mode == InboxMode.Forward && inbox.ForwardTo is { } forwardTo)
        {
            steps.Add($"The inbox forwards calls to {PhoneMask.Mask(forwardTo)}");
            return Decision(
                RoutingOutcome.Forward,
                DecisionReason.InboxForwards,
                steps,
                message) with { ForwardTo = forwardTo };
        }

        steps.Add("The inbox rejects inbound calls");
        return Reject(
            DecisionReason.InboxRejects,
            steps,
            inbox.RejectWithMessage,
            message,
            inbox.Message is null ? "organization's" : "inbox's");
    }

    private static RoutingDecision DecideForGroup(
        GroupFacts group,
        CallerMessage? organizationMessage,
        RoutingFacts facts,
        List<string> steps)
    {
        var message = CallerMessage.Heard(group.Message, organizationMessage);
        var whose = group.Message is null ? "organization's" : "group's";
        if (facts.Caller is null)
        {
            steps.Add("The caller's number is withheld, so no text from the group can be matched");
            return Reject(DecisionReason.CallerWithheld, steps, group.RejectWithMessage, message, whose);
        }

        if (group.LastTexter is not { } lastTexter)
        {
            steps.Add("The caller was never texted from this group");
            return Reject(DecisionReason.NeverTextedFromGroup, steps, group.RejectWithMessage, message, whose);
        }

        if (group.LastTextMaxAgeDays is { } maxAgeDays && lastTexter.SentAt < facts.Now.AddDays(-maxAgeDays))
        {
            steps.Add(
                $"The group's last text to the caller, at {lastTexter.SentAt:u}, " +
                $"is older than the organization's limit of {maxAgeDays} days, so it counts as none");
            return Reject(DecisionReason.LastTextTooOld, steps, group.RejectWithMessage, message, whose);
        }

        var (forwards, forwardTo, byGroup) = EffectiveSetting(group);
        steps.Add(byGroup
            ? "The group sets its own inbound-call routing"
            : "The group follows the organization's inbound-call routing");

        if (forwards && forwardTo is not null)
        {
            steps.Add($"Calls are forwarded to {PhoneMask.Mask(forwardTo)}");
            var reason = byGroup ? DecisionReason.GroupForwards : DecisionReason.OrganizationForwards;
            return Decision(RoutingOutcome.Forward, reason, steps, message) with { ForwardTo = forwardTo };
        }

        steps.Add(
            $"Calls go to the agent who last texted the caller: {lastTexter.Name ?? $"agent {lastTexter.AgentId}"} " +
            $"at {lastTexter.SentAt:u}");
        var fallback = EffectiveFallback(group);
        DecisionReason? unavailable = lastTexter switch
        {
            { State: AgentState.Deleted } => DecisionReason.AgentDeleted,
            { State: AgentState.Inactive } => DecisionReason.AgentInactive,
            { Phone: null or "" } => DecisionReason.AgentHasNoPhone,
            _ when group.MembersOnly && !lastTexter.IsMember => DecisionReason.AgentNotInGroup,
            _ => null,
        };
        if (unavailable is { } why)
        {
            steps.Add(why switch
            {
                DecisionReason.AgentDeleted => "That agent has been deleted",
                DecisionReason.AgentInactive => "That agent is inactive",
                DecisionReason.AgentNotInGroup =>
                    "That agent is no longer a member of the group, which takes calls for its members only",
                _ => "That agent has no personal phone number",
            });
            if (fallback.ForwardTo is { } fallbackTo)
            {
                steps.Add($"The {fallback.Whose} fallback forwards the call to {PhoneMask.Mask(fallbackTo)}");
                return Decision(RoutingOutcome.Forward, why, steps, message) with
                {
                    AgentId = lastTexter.AgentId,
                    ForwardTo = fallbackTo,
                };
            }

            steps.Add(HearsMessage(message, whose));
            return Decision(RoutingOutcome.AgentUnavailable, why, steps, message) with { AgentId = lastTexter.AgentId };
        }

        steps.Add("The agent's phone rings and the agent must press 1 to accept");
        steps.Add(fallback.ForwardTo is { } then
            ? $"If the agent does not take the call, the {fallback.Whose} fallback forwards it " +
                $"to {PhoneMask.Mask(then)}"
            : "If the agent does not take the call, the caller hears " +
                $"the {(message is null ? "stock" : whose)} unavailable message");
        var connectReason = byGroup ? DecisionReason.LastAgentByGroup : DecisionReason.LastAgentByOrganization;
        return Decision(RoutingOutcome.ConnectAgent, connectReason, steps, message) with
        {
            AgentId = lastTexter.AgentId,
            AgentPhone = lastTexter.Phone,
            FallbackForwardTo = fallback.ForwardTo,
        };
    }

    private static (bool Forwards, string? ForwardTo, bool ByGroup) EffectiveSetting(GroupFacts group) =>
        group.Mode switch
        {
            GroupMode.Forward => (true, group.ForwardTo, true),
            GroupMode.LastAgent => (false, null, true),
            _ => (group.OrganizationMode == OrganizationMode.Forward, group.OrganizationForwardTo, false),
        };

    /// <summary>The group's fallback wins; following the organization (the default) takes the organization's.</summary>
    private static (string? ForwardTo, string Whose) EffectiveFallback(GroupFacts group) => group.FallbackMode switch
    {
        GroupFallbackMode.Forward => (group.FallbackForwardTo, "group's"),
        GroupFallbackMode.Message => (null, "group's"),
        _ =>
            (group.OrganizationFallbackMode == FallbackMode.Forward
                ? group.OrganizationFallbackForwardTo
                : null, "organization's"),
    };

    private static RoutingDecision Reject(
        DecisionReason reason,
        List<string> steps,
        bool withMessage,
        CallerMessage? message,
        string whose)
    {
        if (!withMessage)
        {
            return Decision(RoutingOutcome.Reject, reason, steps, message);
        }

        steps.Add(HearsMessage(message, whose));
        return Decision(RoutingOutcome.Reject, reason, steps, message) with { RejectWithMessage = true };
    }

    private static string HearsMessage(CallerMessage? message, string whose) =>
        $"The caller hears the {(message is null ? "stock" : whose)} unavailable message, then the call ends";

    private static RoutingDecision Decision(
        RoutingOutcome outcome,
        DecisionReason reason,
        List<string> steps,
        CallerMessage? message = null) =>
        new() { Outcome = outcome, Reason = reason, Steps = steps, Message = message };
}
