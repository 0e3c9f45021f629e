using Switchboard.Calls;
using Switchboard.Routing;

namespace Switchboard.Tests.Calls;

public sealed class CallRecordTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static CallRecord Call(RoutingOutcome outcome)
    {
        var facts = new RoutingFacts { Caller = "+14155550199", Number = null };
        var decision = new RoutingDecision
        {
            Outcome = outcome,
            Reason = DecisionReason.LastAgentByGroup,
            Steps = ["test"],
            AgentId = outcome == RoutingOutcome.ConnectAgent ? 7 : null,
            ForwardTo = outcome == RoutingOutcome.Forward ? "+14155550177" : null,
        };
        return CallRecord.Decided("CA1", "+14155550100", "+14155550199", facts, decision, Now);
    }

    [Theory]
    [InlineData(RoutingOutcome.Reject, CallOutcome.Rejected)]
    [InlineData(RoutingOutcome.AgentUnavailable, CallOutcome.AgentUnavailable)]
    public void Decided_CallThatRingsNobody_HasItsOutcomeAtOnce(RoutingOutcome decision, CallOutcome outcome) =>
        Assert.Equal(outcome, Call(decision).Outcome);

    [Theory]
    [InlineData("1", ScreeningResult.Accepted)]
    [InlineData("2", ScreeningResult.Declined)]
    [InlineData("#", ScreeningResult.Declined)]
    [InlineData("", ScreeningResult.NoInput)]
    [InlineData(null, ScreeningResult.NoInput)]
    public void Screen_Digits_GiveTheAgentsAnswer(string? digits, ScreeningResult expected) =>
        Assert.Equal(expected, Call(RoutingOutcome.ConnectAgent).Screen(digits, Now));

    [Fact]
    public void Screen_SecondAnswer_DoesNotChangeTheFirst()
    {
        var call = Call(RoutingOutcome.ConnectAgent);
        call.Screen("2", Now);

        Assert.Equal(ScreeningResult.Declined, call.Screen("1", Now));
    }

    [Fact]
    public void Screen_ForwardedCall_NeverAccepts() =>
        Assert.NotEqual(ScreeningResult.Accepted, Call(RoutingOutcome.Forward).Screen("1", Now));

    [Theory]
    [InlineData("1", CallStatus.Completed, true, true, CallOutcome.Connected)]
    [InlineData("1", CallStatus.Completed, null, true, CallOutcome.Connected)]
    [InlineData("2", CallStatus.Completed, null, false, CallOutcome.AgentDeclined)]
    [InlineData("2", CallStatus.Completed, false, false, CallOutcome.AgentDeclined)]
    [InlineData(null, CallStatus.Completed, null, false, CallOutcome.AgentHungUp)]
    [InlineData(null, CallStatus.Busy, false, false, CallOutcome.AgentBusy)]
    [InlineData(null, CallStatus.NoAnswer, false, false, CallOutcome.AgentNoAnswer)]
    [InlineData(null, CallStatus.Failed, false, false, CallOutcome.AgentFailed)]
    [InlineData(null, CallStatus.Canceled, false, false, CallOutcome.CallerHungUp)]
    public void FinishDial_AgentCall_IsConnectedOnlyWhenAcceptedAndBridged(
        string? digits,
        CallStatus dialStatus,
        bool? bridged,
        bool connected,
        CallOutcome outcome)
    {
        var call = Call(RoutingOutcome.ConnectAgent);
        if (digits is not null)
        {
            call.Screen(digits, Now);
        }

        Assert.Equal(
            connected ? DialEnd.Connected : DialEnd.Ended,
            call.FinishDial(dialStatus, bridged, 60, CallStatus.InProgress, Now));
        Assert.Equal(outcome, call.AgentOutcome);
        Assert.Equal(outcome, call.Outcome);
        Assert.Equal(connected ? 60 : null, call.TalkSeconds);
    }

    [Theory]
    [InlineData(CallStatus.Completed, CallOutcome.Forwarded)]
    [InlineData(CallStatus.Busy, CallOutcome.ForwardBusy)]
    [InlineData(CallStatus.NoAnswer, CallOutcome.ForwardNoAnswer)]
    [InlineData(CallStatus.Failed, CallOutcome.ForwardFailed)]
    public void FinishDial_ForwardedCall_GivesTheTargetsOutcome(CallStatus dialStatus, CallOutcome outcome)
    {
        var call = Call(RoutingOutcome.Forward);

        call.FinishDial(dialStatus, bridged: null, dialSeconds: null, callerStatus: CallStatus.InProgress, Now);

        Assert.Equal(outcome, call.Outcome);
    }

    [Fact]
    public void RecordStatus_RepeatedOrLate_KeepsOneOfEachAndTheLatestStage()
    {
        var call = Call(RoutingOutcome.ConnectAgent);

        Assert.True(call.RecordStatus(CallLeg.Caller, CallStatus.Completed, Now.AddSeconds(40), 40));
        Assert.True(call.RecordStatus(CallLeg.Caller, CallStatus.Ringing, Now, null));
        Assert.False(call.RecordStatus(CallLeg.Caller, CallStatus.Completed, Now.AddSeconds(41), 41));

        Assert.Equal(CallStatus.Completed, call.CallerStatus);
        Assert.Equal(Now.AddSeconds(40), call.EndedAt);
        Assert.Equal(40, call.DurationSeconds);
        Assert.Equal(2, call.Statuses.Count);
    }
}
