using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record ExplainRequest(string? Contact, string? Number);

/// <summary>
/// What a call from the contact to the number would do now, and why, step by step. <c>SettingFrom</c> says whose
/// inbound-calls setting applied: "organization", "group", "inbox", or null when none was reached. Personal numbers
/// (the contact's, an agent's, a forward target) appear only masked to their last four digits.
/// </summary>
public sealed record RoutingExplanation(
    string Outcome,
    string Reason,
    string Summary,
    IReadOnlyList<string> Steps,
    string? SettingFrom,
    long? AgentId,
    string? AgentName,
    string? ForwardTo);

/// <summary>"Test a call": the routing decision for stored facts, without placing a call or recording one.</summary>
public sealed class RoutingExplainer(
    RoutingFactsReader reader,
    SwitchboardDb db,
    PhoneNormalizer phones,
    TimeProvider clock)
{
    public async Task<Answer<RoutingExplanation>> ExplainAsync(long orgId, ExplainRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!phones.TryNormalize(request.Contact, out var contact))
        {
            errors["contact"] =
                [string.IsNullOrWhiteSpace(request.Contact)
                    ? "is required"
                    : $"{request.Contact} is not a valid phone number"];
        }

        if (!phones.TryNormalize(request.Number, out var number))
        {
            errors["number"] =
                [string.IsNullOrWhiteSpace(request.Number)
                    ? "is required"
                    : $"{request.Number} is not a valid phone number"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var facts = await reader.ReadAsync(number, contact, clock.GetUtcNow().UtcDateTime, ct);
        if (facts.Number?.OrganizationId != orgId)
        {
            // Another organization's number is, for this one, no platform number at all.
            facts = facts with { Number = null };
        }

        if (facts.Number is { Owner: GroupFacts { LastTexter: { } texter } group } called)
        {
            // The steps name the agent for the person reading them; the policy knows agents by id only.
            var name = await AgentNameAsync(texter.AgentId, ct);
            facts =
                facts with { Number = called with { Owner = group with { LastTexter = texter with { Name = name } } } };
        }

        var decision = RoutingPolicy.Decide(facts);
        var agentName = decision.AgentId is { } agentId ? await AgentNameAsync(agentId, ct) : null;
        var steps = decision.Steps.Prepend($"A contact ({PhoneMask.Mask(contact)}) calls {number}").ToList();
        return new RoutingExplanation(
            EnumNames.Name(decision.Outcome),
            EnumNames.Name(decision.Reason),
            Summary(decision, agentName),
            steps,
            SettingFrom(facts, decision.Reason),
            decision.AgentId,
            agentName,
            decision.ForwardTo is null ? null : PhoneMask.Mask(decision.ForwardTo));
    }

    private Task<string?> AgentNameAsync(long agentId, CancellationToken ct) =>
        db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.Name).FirstOrDefaultAsync(ct);

    private static string Summary(RoutingDecision decision, string? agentName) => decision.Outcome switch
    {
        RoutingOutcome.Reject when decision.Reason == DecisionReason.CallerBlocked =>
            "The caller is blocked: the call would be rejected; nothing rings.",
        RoutingOutcome.Forward when decision.AfterHours is not null =>
            "Closed now: the call would be forwarded to the after-hours " +
            $"number {PhoneMask.Mask(decision.ForwardTo)}, with no prompt.",
        RoutingOutcome.AfterHours when decision.AfterHours == AfterHoursMode.Voicemail =>
            "Closed now: the caller could leave a voicemail; nothing rings.",
        RoutingOutcome.AfterHours =>
            "Closed now: the caller would hear the after-hours message, then the call ends; nothing rings.",
        RoutingOutcome.Forward =>
            $"The call would be forwarded to {PhoneMask.Mask(decision.ForwardTo)}, " +
            "which sees the platform number as caller ID.",
        RoutingOutcome.ConnectAgent =>
            $"{agentName}'s phone ({PhoneMask.Mask(decision.AgentPhone)}) would ring; " +
            "the call is connected only if they press 1.",
        RoutingOutcome.AgentUnavailable =>
            $"The caller would hear that nobody is available: {agentName ?? "the last agent"} cannot take calls.",
        _ when decision.RejectWithMessage =>
            "The caller would hear the unavailable message, then the call ends; nothing rings.",
        _ => "The call would be rejected; nothing rings.",
    };

    private static string? SettingFrom(RoutingFacts facts, DecisionReason reason) =>
        (facts.Number?.Owner, reason) switch
        {
            (InboxFacts, _) => "inbox",
            (GroupFacts, DecisionReason.NumberUnknown or DecisionReason.NumberUnassigned
                or DecisionReason.CallerWithheld or DecisionReason.NeverTextedFromGroup
                or DecisionReason.LastTextTooOld) =>
                null,
            (GroupFacts { Mode: GroupMode.FollowOrganization }, _) => "organization",
            (GroupFacts, _) => "group",
            _ => null,
        };
}
