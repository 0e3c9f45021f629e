using NodaTime;
using Switchboard.Routing;

namespace Switchboard.Tests.Routing;

/// <summary>
/// docs/routing.md B5–B9 (blocked callers, caller verification, hours, ring the team, language), on the pure decision.
/// </summary>
public sealed class LivesPolicyTests
{
    private const string Number = "+14155550100";
    private const string Caller = "+14155550199";
    private const string AgentPhone = "+14155550111";
    private const string GroupTarget = "+14155550177";
    private const string InboxTarget = "+14155550166";
    private const string AfterHoursTarget = "+14155550155";

    // Monday 30 November 2026, 20:00 EST: after hours in New York.
    private static readonly DateTime Evening = new(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc);

    // Monday 30 November 2026, 10:00 EST.
    private static readonly DateTime Morning = new(2026, 11, 30, 15, 0, 0, DateTimeKind.Utc);

    public sealed record Row(
        string Rule,
        RoutingFacts Facts,
        RoutingOutcome Outcome,
        DecisionReason Reason,
        string? ForwardTo = null,
        AfterHoursMode? AfterHours = null)
    {
        public override string ToString() => Rule;
    }

    private static OpeningHours Weekdays(AfterHoursMode mode = AfterHoursMode.Message, string zone =
        "America/New_York") => new()
    {
        TimeZone = DateTimeZoneProviders.Tzdb[zone],
        Weekly = [.. Enumerable.Range(1, 5)
            .Select(d => new WeeklyOpening((IsoDayOfWeek)d, new LocalTime(9, 0), new LocalTime(17, 0)))],
        AfterHours = new AfterHours(mode, mode == AfterHoursMode.Forward ? AfterHoursTarget : null),
    };

    private static OpeningHours Always() => new()
    {
        TimeZone = DateTimeZoneProviders.Tzdb["America/New_York"],
        Weekly = [.. Enumerable.Range(1, 7)
            .Select(d => new WeeklyOpening((IsoDayOfWeek)d, new LocalTime(0, 0), new LocalTime(0, 0)))],
        AfterHours = new AfterHours(AfterHoursMode.Message, null),
    };

    private static RoutingFacts Facts(
        OwnerFacts owner,
        DateTime? now = null,
        Func<NumberFacts, NumberFacts>? number = null,
        CallerVerification verification = CallerVerification.None)
    {
        var facts = new NumberFacts { Number = Number, OrganizationId = 1, Owner = owner };
        return new RoutingFacts
        {
            Caller = Caller,
            Now = now ?? Evening,
            Number = number is null ? facts : number(facts),
            Verification = verification,
        };
    }

    private static GroupFacts Group(
        GroupMode mode = GroupMode.FollowOrganization,
        bool texted = true,
        AgentState state = AgentState.Active) => new()
    {
        GroupId = 2,
        Name = "Field Team",
        Mode = mode,
        ForwardTo = mode == GroupMode.Forward ? GroupTarget : null,
        OrganizationMode = OrganizationMode.LastAgent,
        OrganizationForwardTo = null,
        LastTexter = texted
            ? new LastTexterFacts { AgentId = 7, SentAt = Evening.AddDays(-1), State = state, Phone = AgentPhone }
            : null,
    };

    private static InboxFacts Inbox(InboxMode mode) => new()
    {
        InboxId = 3, Name = "Help Line", Mode = mode, ForwardTo = mode == InboxMode.Forward ? InboxTarget : null,
    };

    private static Func<NumberFacts, NumberFacts> OrganizationHours(OpeningHours hours) =>
        n => n with { OrganizationHours = hours };

    public static TheoryData<Row> Rules() =>
    [
        new("B5 blocked caller → reject, before anything rings",
            Facts(Group(), number: n => n with { CallerBlocked = true }),
            RoutingOutcome.Reject,
            DecisionReason.CallerBlocked),
        new("B5 blocked caller → reject even when the inbox forwards",
            Facts(Inbox(InboxMode.Forward), number: n => n with { CallerBlocked = true }),
            RoutingOutcome.Reject,
            DecisionReason.CallerBlocked),
        new("B5 blocked caller → reject even when the group forwards",
            Facts(Group(GroupMode.Forward), number: n => n with { CallerBlocked = true }),
            RoutingOutcome.Reject,
            DecisionReason.CallerBlocked),
        new("B6 failed verification, organization rejects them → reject",
            Facts(
                Group(),
                number: n => n with { RejectFailedVerification = true },
                verification: CallerVerification.Failed),
            RoutingOutcome.Reject,
            DecisionReason.VerificationFailed),
        new("B6 failed verification, organization takes them (default) → agent",
            Facts(Group(), now: Morning, verification: CallerVerification.Failed),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B6 passed verification → agent",
            Facts(
                Group(),
                now: Morning,
                number: n => n with { RejectFailedVerification = true },
                verification: CallerVerification.Passed),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B6 no verification result is not a failure",
            Facts(Group(), now: Morning, number: n => n with { RejectFailedVerification = true }),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B7 no hours set → always open", Facts(Group()), RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B7 within the organization's hours → agent",
            Facts(Group(), now: Morning, number: OrganizationHours(Weekdays())),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B7 closed, after-hours message → message instead of the agent",
            Facts(Group(), number: OrganizationHours(Weekdays())),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 closed, after-hours voicemail",
            Facts(Group(), number: OrganizationHours(Weekdays(AfterHoursMode.Voicemail))),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Voicemail),
        new("B7 closed, after-hours number → forward there, no prompt",
            Facts(Group(), number: OrganizationHours(Weekdays(AfterHoursMode.Forward))),
            RoutingOutcome.Forward,
            DecisionReason.ClosedNow,
            ForwardTo: AfterHoursTarget,
            AfterHours: AfterHoursMode.Forward),
        new("B7 closed: a forwarding group does not forward",
            Facts(Group(GroupMode.Forward), number: OrganizationHours(Weekdays())),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 closed: an unavailable agent → after-hours treatment",
            Facts(Group(state: AgentState.Inactive), number: OrganizationHours(Weekdays())),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 closed: a rejection stays a rejection",
            Facts(Group(texted: false), number: OrganizationHours(Weekdays(AfterHoursMode.Forward))),
            RoutingOutcome.Reject,
            DecisionReason.NeverTextedFromGroup),
        new("B7 closed: an inbox that rejects still rejects",
            Facts(Inbox(InboxMode.Reject), number: OrganizationHours(Weekdays(AfterHoursMode.Forward))),
            RoutingOutcome.Reject,
            DecisionReason.InboxRejects),
        new("B7 closed: a forwarding inbox gets the after-hours treatment",
            Facts(Inbox(InboxMode.Forward), number: OrganizationHours(Weekdays())),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 group's own hours win over the organization's",
            Facts(Group() with { OwnHours = Always() }, number: OrganizationHours(Weekdays())),
            RoutingOutcome.ConnectAgent,
            DecisionReason.LastAgentByOrganization),
        new("B7 group's own hours close it while the organization has none",
            Facts(Group() with { OwnHours = Weekdays() }),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 inbox's own hours win over the organization's",
            Facts(Inbox(InboxMode.Forward) with { OwnHours = Always() }, number: OrganizationHours(Weekdays())),
            RoutingOutcome.Forward,
            DecisionReason.InboxForwards,
            ForwardTo: InboxTarget),
        new("B7 hours are in their own zone: 20:00 in New York is 17:00 in Los Angeles, closed",
            Facts(Group(), number: OrganizationHours(Weekdays(zone: "America/Los_Angeles"))),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
        new("B7 hours are in their own zone: 10:00 in New York is 07:00 in Los Angeles, closed",
            Facts(Group(), now: Morning, number: OrganizationHours(Weekdays(zone: "America/Los_Angeles"))),
            RoutingOutcome.AfterHours,
            DecisionReason.ClosedNow,
            AfterHours: AfterHoursMode.Message),
    ];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Decide_Rule_GivesTheOutcomeAndReason(Row row)
    {
        var decision = RoutingPolicy.Decide(row.Facts);

        Assert.Equal(row.Outcome, decision.Outcome);
        Assert.Equal(row.Reason, decision.Reason);
        Assert.Equal(row.ForwardTo, decision.ForwardTo);
        Assert.Equal(row.AfterHours, decision.AfterHours);
        Assert.DoesNotContain(Caller, decision.Explanation);
        Assert.DoesNotContain(AfterHoursTarget, decision.Explanation);
    }

    [Fact]
    public void Decide_Closed_SaysWhenItOpens()
    {
        var decision = RoutingPolicy.Decide(Facts(Group(), number: OrganizationHours(Weekdays())));

        Assert.Contains("Closed now: opens Tuesday 09:00 America/New_York (the organization's hours)", decision.Steps);
    }

    [Fact]
    public void Decide_BlockedCaller_HearsNothing()
    {
        var group = Group() with { RejectWithMessage = true };

        var decision = RoutingPolicy.Decide(Facts(group, number: n => n with { CallerBlocked = true }));

        Assert.False(decision.RejectWithMessage);
    }

    [Theory]
    [InlineData(null, "en-US", "en-US")]
    [InlineData(null, "es-US", "es-US")]
    [InlineData("es-US", "en-US", "es-US")]
    [InlineData("en-US", "es-US", "en-US")]
    public void Decide_Language_IsTheGroupsElseTheOrganizations(string? group, string organization, string expected)
    {
        var decision = RoutingPolicy.Decide(
            Facts(Group() with { Language = group }, number: n => n with { Language = organization }));

        Assert.Equal(expected, decision.Language);
    }

    [Fact]
    public void Decide_AgentCallInAGroupThatRingsItsTeam_CarriesTheTeamSetting()
    {
        var ring = new RingTeam(RingTeamMode.Together, 15, 3);

        var decision = RoutingPolicy.Decide(Facts(Group() with { RingTeam = ring }, now: Morning));

        Assert.Equal(ring, decision.RingTeam);
        Assert.Contains(decision.Steps, s => s.Contains("up to 3 other agents of the team ring together for 15 s"));
    }

    private static TeamAgentFacts Agent(
        long id,
        AgentState state = AgentState.Active,
        string? phone = "+1415555020",
        bool member = false) =>
        new(
            id,
            state,
            phone is null ? null : phone + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            member);

    private static TeamFacts Team(RingTeamMode mode, int maxAgents, params TeamAgentFacts[] agents) =>
        new() { RingTeam = new RingTeam(mode, 20, maxAgents), Agents = agents, LastAgentId = 1 };

    [Fact]
    public void RingTeam_Off_RingsNobody() =>
        Assert.Null(RoutingPolicy.RingTeam(Team(RingTeamMode.Off, 5, Agent(2), Agent(3))));

    [Fact]
    public void RingTeam_Together_RingsUpToMaxAgentsButNeverTheAgentWhoJustHadTheCall()
    {
        var dial = RoutingPolicy.RingTeam(Team(RingTeamMode.Together, 2, Agent(1), Agent(2), Agent(3), Agent(4)));

        Assert.Equal([2L, 3L], dial!.Agents.Select(a => a.AgentId));
        Assert.Equal(20, dial.RingSeconds);
    }

    [Fact]
    public void RingTeam_SkipsInactiveDeletedAndPhonelessAgents()
    {
        var dial = RoutingPolicy.RingTeam(Team(RingTeamMode.Together, 5,
            Agent(2, AgentState.Inactive), Agent(3, AgentState.Deleted), Agent(4, phone: null), Agent(5)));

        Assert.Equal([5L], dial!.Agents.Select(a => a.AgentId));
    }

    [Fact]
    public void RingTeam_GroupWithMembers_RingsOnlyMembers()
    {
        var dial = RoutingPolicy.RingTeam(
            Team(RingTeamMode.Together, 5, Agent(2), Agent(3, member: true), Agent(4, member: true)));

        Assert.Equal([3L, 4L], dial!.Agents.Select(a => a.AgentId));
    }

    [Fact]
    public void RingTeam_InTurn_RingsOneAfterAnotherUntilMaxAgents()
    {
        var team = Team(RingTeamMode.InTurn, 2, Agent(2), Agent(3), Agent(4));

        var first = RoutingPolicy.RingTeam(team);
        var second = RoutingPolicy.RingTeam(team with { AlreadyRung = [2] });
        var third = RoutingPolicy.RingTeam(team with { AlreadyRung = [2, 3] });

        Assert.Equal([2L], first!.Agents.Select(a => a.AgentId));
        Assert.Equal([3L], second!.Agents.Select(a => a.AgentId));
        Assert.Null(third);
    }

    [Fact]
    public void RingTeam_Together_RingsOnce() =>
        Assert.Null(
            RoutingPolicy.RingTeam(Team(RingTeamMode.Together, 5, Agent(2), Agent(3)) with { AlreadyRung = [2] }));

    [Fact]
    public void RingTeam_NobodyLeft_RingsNobody() =>
        Assert.Null(RoutingPolicy.RingTeam(Team(RingTeamMode.InTurn, 5, Agent(1))));
}
