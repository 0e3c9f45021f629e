using Switchboard.Routing;

namespace Switchboard.Tests.Routing;

/// <summary>
/// Routing rules R1–R3 of docs/routing.md, one row per rule (row "3.4" is R3.4), and options B1–B4 (rows "B…"),
/// on the pure decision function.
/// </summary>
public sealed class RoutingPolicyTests
{
    private const string Number = "+14155550100";
    private const string Caller = "+14155550199";
    private const string AgentPhone = "+14155550111";
    private const string GroupTarget = "+14155550177";
    private const string OrganizationTarget = "+14155550188";
    private const string InboxTarget = "+14155550166";
    private const string GroupFallback = "+14155550133";
    private const string OrganizationFallback = "+14155550144";
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    public sealed record Row(
        string Rule,
        RoutingFacts Facts,
        RoutingOutcome Outcome,
        DecisionReason Reason,
        string? ForwardTo = null,
        long? AgentId = null,
        string? AgentPhone = null)
    {
        public override string ToString() => Rule;
    }

    private static RoutingFacts Unknown() => new() { Caller = Caller, Number = null };

    private static RoutingFacts Owned(OwnerFacts? owner, string? caller = Caller) =>
        new()
        {
            Caller = caller,
            Now = Now,
            Number = new NumberFacts { Number = Number, OrganizationId = 1, Owner = owner },
        };

    private static GroupFacts ForwardsOnFallback(GroupFacts group) =>
        group with { FallbackMode = GroupFallbackMode.Forward, FallbackForwardTo = GroupFallback };

    private static GroupFacts OrganizationForwardsOnFallback(GroupFacts group) =>
        group with
        {
            OrganizationFallbackMode = FallbackMode.Forward,
            OrganizationFallbackForwardTo = OrganizationFallback,
        };

    private static InboxFacts Inbox(InboxMode mode, string? forwardTo = null) =>
        new() { InboxId = 3, Name = "Help Line", Mode = mode, ForwardTo = forwardTo };

    private static LastTexterFacts Texter(AgentState state = AgentState.Active, string? phone = AgentPhone) =>
        new()
        {
            AgentId = 7,
            SentAt = new DateTime(2026, 11, 24, 11, 0, 0, DateTimeKind.Utc),
            State = state,
            Phone = phone,
        };

    private static GroupFacts Group(
        GroupMode mode = GroupMode.FollowOrganization,
        OrganizationMode organization = OrganizationMode.LastAgent,
        LastTexterFacts? texter = null,
        bool texted = true) => new()
        {
            GroupId = 2,
            Name = "Field Team",
            Mode = mode,
            ForwardTo = mode == GroupMode.Forward ? GroupTarget : null,
            OrganizationMode = organization,
            OrganizationForwardTo = organization == OrganizationMode.Forward ? OrganizationTarget : null,
            LastTexter = texted ? texter ?? Texter() : null,
        };

    public static TheoryData<Row> Rules() =>
    [
        new("1. unknown number → reject", Unknown(), RoutingOutcome.Reject, DecisionReason.NumberUnknown),
        new("1. unassigned number → reject", Owned(null), RoutingOutcome.Reject, DecisionReason.NumberUnassigned),
        new("2. inbox forward → forward to F", Owned(Inbox(InboxMode.Forward, InboxTarget)), RoutingOutcome.Forward,
            DecisionReason.InboxForwards, ForwardTo: InboxTarget),
        new("2. inbox reject (default) → reject", Owned(Inbox(InboxMode.Reject)), RoutingOutcome.Reject,
            DecisionReason.InboxRejects),
        new("2. inbox forward needs no caller", Owned(Inbox(InboxMode.Forward, InboxTarget), caller: null),
            RoutingOutcome.Forward, DecisionReason.InboxForwards, ForwardTo: InboxTarget),
        new("3.1 never texted from the group → reject", Owned(Group(texted: false)), RoutingOutcome.Reject,
            DecisionReason.NeverTextedFromGroup),
        new("3.1 never texted → reject even when the group forwards", Owned(Group(GroupMode.Forward, texted: false)),
            RoutingOutcome.Reject, DecisionReason.NeverTextedFromGroup),
        new("3.1 never texted → reject even when the organization forwards",
            Owned(Group(organization: OrganizationMode.Forward, texted: false)),
            RoutingOutcome.Reject,
            DecisionReason.NeverTextedFromGroup),
        new("3.1 withheld caller → reject", Owned(Group(), caller: null), RoutingOutcome.Reject,
            DecisionReason.CallerWithheld),
        new("3.2 following an organization that forwards → forward to its F",
            Owned(Group(organization: OrganizationMode.Forward)),
            RoutingOutcome.Forward,
            DecisionReason.OrganizationForwards,
            ForwardTo: OrganizationTarget),
        new("3.2 following an organization on last agent → agent", Owned(Group()), RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization, AgentId: 7, AgentPhone: AgentPhone),
        new("3.2 group's own forward wins over the organization's last agent", Owned(Group(GroupMode.Forward)),
            RoutingOutcome.Forward, DecisionReason.GroupForwards, ForwardTo: GroupTarget),
        new("3.2 group's own forward wins over the organization's forward",
            Owned(Group(GroupMode.Forward, OrganizationMode.Forward)),
            RoutingOutcome.Forward,
            DecisionReason.GroupForwards,
            ForwardTo: GroupTarget),
        new("3.2 group's own last agent wins over the organization's forward",
            Owned(Group(GroupMode.LastAgent, OrganizationMode.Forward)),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByGroup,
            AgentId: 7,
            AgentPhone: AgentPhone),
        new("3.4 last agent inactive → unavailable", Owned(Group(texter: Texter(AgentState.Inactive))),
            RoutingOutcome.AgentUnavailable, DecisionReason.AgentInactive, AgentId: 7),
        new("3.4 last agent deleted → unavailable", Owned(Group(texter: Texter(AgentState.Deleted, phone: null))),
            RoutingOutcome.AgentUnavailable, DecisionReason.AgentDeleted, AgentId: 7),
        new("3.4 last agent without phone → unavailable", Owned(Group(texter: Texter(phone: null))),
            RoutingOutcome.AgentUnavailable, DecisionReason.AgentHasNoPhone, AgentId: 7),
        new("3.4 last agent with an empty phone → unavailable", Owned(Group(texter: Texter(phone: ""))),
            RoutingOutcome.AgentUnavailable, DecisionReason.AgentHasNoPhone, AgentId: 7),
        new("3.4 inactive agent of a forwarding group does not matter",
            Owned(Group(GroupMode.Forward, texter: Texter(AgentState.Inactive))),
            RoutingOutcome.Forward,
            DecisionReason.GroupForwards,
            ForwardTo: GroupTarget),
        new("B1 unavailable agent, group fallback forward → forward to it",
            Owned(ForwardsOnFallback(Group(texter: Texter(AgentState.Inactive)))),
            RoutingOutcome.Forward,
            DecisionReason.AgentInactive,
            ForwardTo: GroupFallback,
            AgentId: 7),
        new("B1 unavailable agent, following the organization's fallback forward",
            Owned(OrganizationForwardsOnFallback(Group(texter: Texter(phone: null)))),
            RoutingOutcome.Forward,
            DecisionReason.AgentHasNoPhone,
            ForwardTo: OrganizationFallback,
            AgentId: 7),
        new("B1 group's message fallback wins over the organization's forward",
            Owned(
                OrganizationForwardsOnFallback(
                    Group(texter: Texter(AgentState.Inactive))) with { FallbackMode = GroupFallbackMode.Message }),
            RoutingOutcome.AgentUnavailable,
            DecisionReason.AgentInactive,
            AgentId: 7),
        new("B1 a fallback does not open a group to callers it never texted",
            Owned(ForwardsOnFallback(Group(texted: false))),
            RoutingOutcome.Reject,
            DecisionReason.NeverTextedFromGroup),
        new("B4 agent not a member of a members-only group → unavailable", Owned(Group() with { MembersOnly = true }),
            RoutingOutcome.AgentUnavailable, DecisionReason.AgentNotInGroup, AgentId: 7),
        new("B4 member of a members-only group → agent",
            Owned(Group(texter: Texter() with { IsMember = true }) with { MembersOnly = true }),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization,
            AgentId: 7,
            AgentPhone: AgentPhone),
        new("B4 non-member → the group's fallback", Owned(ForwardsOnFallback(Group() with { MembersOnly = true })),
            RoutingOutcome.Forward, DecisionReason.AgentNotInGroup, ForwardTo: GroupFallback, AgentId: 7),
        new("B4 membership does not matter in an open group", Owned(Group() with { MembersOnly = false }),
            RoutingOutcome.ConnectAgent, DecisionReason.LastAgentByOrganization, AgentId: 7, AgentPhone: AgentPhone),
        new("B4 last text older than the maximum age → reject",
            Owned(Group() with { LastTextMaxAgeDays = 1 }) with { Now = Now.AddDays(1) },
            RoutingOutcome.Reject,
            DecisionReason.LastTextTooOld),
        new("B4 last text within the maximum age → agent",
            Owned(Group() with { LastTextMaxAgeDays = 2 }) with { Now = Now.AddDays(1) },
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization,
            AgentId: 7,
            AgentPhone: AgentPhone),
        new("B4 an old last text counts as none even when the group forwards",
            Owned(Group(GroupMode.Forward) with { LastTextMaxAgeDays = 1 }) with { Now = Now.AddDays(1) },
            RoutingOutcome.Reject,
            DecisionReason.LastTextTooOld),
    ];

    [Fact]
    public void Decide_AgentCall_CarriesTheEffectiveFallbackForLater()
    {
        var byGroup = RoutingPolicy.Decide(Owned(ForwardsOnFallback(OrganizationForwardsOnFallback(Group()))));
        var byOrganization = RoutingPolicy.Decide(Owned(OrganizationForwardsOnFallback(Group())));
        var none = RoutingPolicy.Decide(Owned(Group()));

        Assert.Equal(GroupFallback, byGroup.FallbackForwardTo);
        Assert.Equal(OrganizationFallback, byOrganization.FallbackForwardTo);
        Assert.Null(none.FallbackForwardTo);
    }

    [Fact]
    public void Decide_GroupOrInboxMessage_WinsOverTheOrganizations()
    {
        var organization = new CallerMessage("Organization words", null, null, null);
        var own = new CallerMessage(null, null, null, "https://media.example.org/a.mp3");
        RoutingFacts With(OwnerFacts owner) =>
            Owned(owner) with { Number = Owned(owner).Number! with { OrganizationMessage = organization } };

        Assert.Equal(
            own,
            RoutingPolicy.Decide(With(Group(texter: Texter(AgentState.Inactive)) with { Message = own })).Message);
        Assert.Equal(organization, RoutingPolicy.Decide(With(Group(texter: Texter(AgentState.Inactive)))).Message);
        Assert.Equal(own, RoutingPolicy.Decide(With(Inbox(InboxMode.Reject) with { Message = own })).Message);
        Assert.Equal(organization, RoutingPolicy.Decide(With(Inbox(InboxMode.Reject))).Message);
    }

    [Fact]
    public void Decide_RejectWithMessage_IsARejectionTheCallerHears()
    {
        var inbox = RoutingPolicy.Decide(Owned(Inbox(InboxMode.Reject) with { RejectWithMessage = true }));
        var group = RoutingPolicy.Decide(Owned(Group(texted: false) with { RejectWithMessage = true }));
        var silent = RoutingPolicy.Decide(Owned(Inbox(InboxMode.Reject)));

        Assert.True(inbox.RejectWithMessage);
        Assert.True(group.RejectWithMessage);
        Assert.False(silent.RejectWithMessage);
        Assert.Equal(RoutingOutcome.Reject, inbox.Outcome);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Decide_Rule_GivesTheOutcomeAndReason(Row row)
    {
        var decision = RoutingPolicy.Decide(row.Facts);

        Assert.Equal(row.Outcome, decision.Outcome);
        Assert.Equal(row.Reason, decision.Reason);
        Assert.Equal(row.ForwardTo, decision.ForwardTo);
        Assert.Equal(row.AgentId, decision.AgentId);
        Assert.Equal(row.AgentPhone, decision.AgentPhone);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Decide_AnyRule_ExplainsWithoutPersonalNumbers(Row row)
    {
        var explanation = RoutingPolicy.Decide(row.Facts).Explanation;

        Assert.False(string.IsNullOrWhiteSpace(explanation));
        foreach (var personal in new[]
        {
            Caller,
            AgentPhone,
            GroupTarget,
            OrganizationTarget,
            InboxTarget,
            GroupFallback,
            OrganizationFallback,
        })
        {
            Assert.DoesNotContain(personal, explanation);
            Assert.DoesNotContain(personal[1..], explanation);
        }
    }

    [Fact]
    public void Decide_ForwardedCall_ShowsTheTargetMaskedToItsLastFourDigits()
    {
        var explanation = RoutingPolicy.Decide(Owned(Group(GroupMode.Forward))).Explanation;

        Assert.Contains("***0177", explanation);
    }

    [Fact]
    public void Decide_GroupFollowingTheOrganization_SaysWhereTheSettingCameFrom()
    {
        var steps = RoutingPolicy.Decide(Owned(Group(organization: OrganizationMode.Forward))).Steps;

        Assert.Contains(steps, s => s.Contains("follows the organization", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_LastAgent_IsTheAgentOfTheIndexedLatestText()
    {
        var texter = Texter() with { AgentId = 42, Phone = "+14155550142" };

        var decision = RoutingPolicy.Decide(Owned(Group(texter: texter)));

        Assert.Equal(42, decision.AgentId);
        Assert.Equal("+14155550142", decision.AgentPhone);
    }
}
