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

        var language = (number.Owner as GroupFacts)?.Language ?? number.Language;
        if (number.CallerBlocked)
        {
            // Before anything else, so that a blocked caller never rings anyone nor hears any message.
            steps.Add("The caller is on the organization's blocked list");
            return Decision(RoutingOutcome.Reject, DecisionReason.CallerBlocked, steps) with { Language = language };
        }

        if (number.RejectFailedVerification && facts.Verification == CallerVerification.Failed)
        {
            steps.Add("The caller's number failed verification, and the organization rejects such calls");
            return Decision(
                RoutingOutcome.Reject,
                DecisionReason.VerificationFailed,
                steps) with { Language = language };
        }

        var decision = number.Owner switch
        {
            null => Unassigned(number, steps),
            InboxFacts inbox => DecideForInbox(inbox, number, facts, steps),
            GroupFacts group => DecideForGroup(group, number.OrganizationMessage, facts, steps),
            _ => throw new InvalidOperationException($"Unknown owner {number.Owner.GetType().Name}"),
        };
        return decision with { Language = language };
    }

    /// <summary>
    /// Ring the team: who rings next once the last agent did not take the call (declined, no answer, could not take
    /// calls); null when the group does not ring its team or nobody is left. Members of the group when it has any,
    /// else all the organization's agents; active, with a phone, never the agent who just had the call.
    /// </summary>
    public static TeamDial? RingTeam(TeamFacts facts)
    {
        var settings = facts.RingTeam;
        var left = settings.MaxAgents - facts.AlreadyRung.Count;
        if (settings.Mode == RingTeamMode.Off
            || left <= 0
            || (settings.Mode == RingTeamMode.Together && facts.AlreadyRung.Count > 0))
        {
            return null;
        }

        var hasMembers = facts.Agents.Any(a => a.IsMember);
        var candidates = facts.Agents
            .Where(a => a.State == AgentState.Active && !string.IsNullOrEmpty(a.Phone))
            .Where(a => !hasMembers || a.IsMember)
            .Where(a => a.AgentId != facts.LastAgentId && !facts.AlreadyRung.Contains(a.AgentId))
            .Take(settings.Mode == RingTeamMode.Together ? left : 1)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var step = settings.Mode == RingTeamMode.Together
            ? $"The team rings together: {string.Join(", ", candidates.Select(a => $"agent {a.AgentId}"))}; " +
                "the first to press 1 takes the call"
            : $"The team rings in turn: agent {candidates[0].AgentId} ({facts.AlreadyRung.Count + 1} of at " +
                $"most {settings.MaxAgents})";
        return new TeamDial(candidates, settings.RingSeconds, step);
    }

    private static RoutingDecision Unassigned(NumberFacts number, List<string> steps)
    {
        steps.Add($"Number {number.Number} is not assigned to a group or an inbox");
        return Decision(RoutingOutcome.Reject, DecisionReason.NumberUnassigned, steps);
    }

    private static RoutingDecision DecideForInbox(
        InboxFacts inbox,
        NumberFacts number,
        RoutingFacts facts,
        List<string> steps)
    {
        steps.Add($"Number {number.Number} belongs to inbox \"{inbox.Name}\"");
        var message = CallerMessage.Heard(inbox.Message, number.OrganizationMessage);
        if (inbox.Mode == InboxMode.Forward && inbox.ForwardTo is { } forwardTo)
        {
            if (Closed(inbox.OwnHours, number.OrganizationHours, "inbox's", facts.Now, steps) is { } afterHours)
            {
                return AfterHoursDecision(afterHours, steps, message);
            }

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
        steps.Add($"Number {facts.Number!.Number} belongs to group \"{group.Name}\"");
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

        if (Closed(group.OwnHours, facts.Number!.OrganizationHours, "group's", facts.Now, steps) is { } afterHours)
        {
            return AfterHoursDecision(afterHours, steps, message);
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
            if (group.RingTeam.Mode != RingTeamMode.Off)
            {
                // The team rings instead (at the edge, which reads who is in it), then the fallback or the message.
                steps.Add(TeamStep(group.RingTeam, "The team rings instead"));
                steps.Add(fallback.ForwardTo is { } next
                    ? $"If nobody takes the call, the {fallback.Whose} fallback forwards it to {PhoneMask.Mask(next)}"
                    : $"If nobody takes the call, the caller hears the {(message is null ? "stock" : whose)} "
                        + "unavailable message");
                return Decision(RoutingOutcome.AgentUnavailable, why, steps, message) with
                {
                    AgentId = lastTexter.AgentId,
                    FallbackForwardTo = fallback.ForwardTo,
                    RingTeam = group.RingTeam,
                };
            }

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
        if (group.RingTeam.Mode != RingTeamMode.Off)
        {
            steps.Add(TeamStep(group.RingTeam, "If the agent does not take the call"));
        }

        var nobody = group.RingTeam.Mode == RingTeamMode.Off
            ? "If the agent does not take the call"
            : "If nobody takes the call";
        steps.Add(fallback.ForwardTo is { } then
            ? $"{nobody}, the {fallback.Whose} fallback forwards it to {PhoneMask.Mask(then)}"
            : $"{nobody}, the caller hears the {(message is null ? "stock" : whose)} unavailable message");
        var connectReason = byGroup ? DecisionReason.LastAgentByGroup : DecisionReason.LastAgentByOrganization;
        return Decision(RoutingOutcome.ConnectAgent, connectReason, steps, message) with
        {
            AgentId = lastTexter.AgentId,
            AgentPhone = lastTexter.Phone,
            FallbackForwardTo = fallback.ForwardTo,
            RingTeam = group.RingTeam,
        };
    }

    private static string TeamStep(RingTeam team, string when) => team.Mode == RingTeamMode.Together
        ? $"{when}, up to {team.MaxAgents} other agents of the team ring together for {team.RingSeconds} s; "
            + "the first to press 1 takes it"
        : $"{when}, up to {team.MaxAgents} other agents of the team ring in turn, {team.RingSeconds} s each";

    /// <summary>
    /// The hours step: the group's or inbox's own hours, else the organization's; none set: always open. Returns what
    /// the call gets when closed now, or null when open.
    /// </summary>
    private static AfterHours? Closed(
        OpeningHours? own,
        OpeningHours? organization,
        string whoseOwn,
        DateTime now,
        List<string> steps)
    {
        if ((own ?? organization) is not { } hours)
        {
            return null;
        }

        var whose = own is null ? "organization's" : whoseOwn;
        var check = hours.Check(now);
        if (check.Open)
        {
            steps.Add($"Open now, by the {whose} hours ({hours.TimeZone.Id})");
            return null;
        }

        steps.Add(check.OpensAt is { } opens
            ? $"Closed now: opens {opens} (the {whose} hours)"
            : $"Closed now: the {whose} hours have no opening ahead ({hours.TimeZone.Id})");
        return hours.AfterHours;
    }

    private static RoutingDecision AfterHoursDecision(AfterHours afterHours, List<string> steps, CallerMessage? message)
    {
        if (afterHours is { Mode: AfterHoursMode.Forward, ForwardTo: { } forwardTo })
        {
            steps.Add($"After hours, calls are forwarded to {PhoneMask.Mask(forwardTo)}, with no prompt");
            return Decision(RoutingOutcome.Forward, DecisionReason.ClosedNow, steps, message) with
            {
                ForwardTo = forwardTo,
                AfterHours = AfterHoursMode.Forward,
            };
        }

        steps.Add(afterHours.Mode == AfterHoursMode.Voicemail
            ? "After hours, the caller may leave a voicemail"
            : "After hours, the caller hears the after-hours message, then the call ends");
        return Decision(
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            steps,
            message) with { AfterHours = afterHours.Mode };
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
