using Switchboard.Calls;
using Switchboard.Events;

namespace Switchboard.Tests.Calls;

public sealed class OutboundCallRecordTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static CallRecord Requested() =>
        CallRecord.Requested(1, 7, "+14155550199", new OutboundLine("+14155550100", 3, null, Now.AddHours(-1)), Now);

    private static CallRecord Confirmed()
    {
        var call = Requested();
        call.AgentDialed("CA1");
        call.AgentAnswered("CA1", Now);
        call.ConfirmByAgent("1", Now);
        return call;
    }

    [Fact]
    public void Requested_HasNoProviderSidYetAndIsNotOver()
    {
        var call = Requested();

        Assert.Null(call.ProviderCallSid);
        Assert.Equal(OutboundStage.Requested, call.Stage);
        Assert.False(call.IsOver);
    }

    [Fact]
    public void AgentDialed_TakesTheProvidersSidAndRingsTheAgent()
    {
        var call = Requested();

        Assert.True(call.AgentDialed("CA1"));

        Assert.Equal("CA1", call.ProviderCallSid);
        Assert.Equal(OutboundStage.AgentRinging, call.Stage);
    }

    [Fact]
    public void AgentDialFailed_EndsTheCallWithTheReason()
    {
        var call = Requested();

        call.AgentDialFailed(CallOutcome.ProviderRefused, "HTTP 400, 21211: Invalid 'To' Phone Number", Now);

        Assert.True(call.IsOver);
        Assert.Equal(CallOutcome.ProviderRefused, call.Outcome);
        Assert.False(call.AgentAnswered("CA1", Now));
    }

    [Fact]
    public void ConfirmByAgent_BeforeTheAgentAnswered_IsRefused()
    {
        var call = Requested();

        Assert.Equal(ScreeningResult.Declined, call.ConfirmByAgent("1", Now));
        Assert.Equal(OutboundStage.Requested, call.Stage);
    }

    [Theory]
    [InlineData("2", CallOutcome.AgentDeclined)]
    [InlineData(null, CallOutcome.AgentNoInput)]
    public void ConfirmByAgent_AnythingButOne_EndsWithoutDialing(string? digits, CallOutcome outcome)
    {
        var call = Requested();
        call.AgentAnswered("CA1", Now);

        call.ConfirmByAgent(digits, Now);
        call.RecordStatus(CallLeg.Agent, CallStatus.Completed, Now, 8);

        Assert.Equal(outcome, call.Outcome);
        Assert.True(call.IsOver);
        Assert.False(call.ContactDialEnded(CallStatus.Completed, true, 10));
    }

    [Theory]
    [InlineData(CallStatus.NoAnswer, CallOutcome.ContactNoAnswer)]
    [InlineData(CallStatus.Busy, CallOutcome.ContactBusy)]
    [InlineData(CallStatus.Failed, CallOutcome.ContactFailed)]
    [InlineData(CallStatus.Canceled, CallOutcome.AgentHungUp)]
    public void ContactDialEnded_WithoutTalking_SaysWhy(CallStatus dialStatus, CallOutcome outcome)
    {
        var call = Confirmed();

        Assert.False(call.ContactDialEnded(dialStatus, false, null));

        Assert.Equal(outcome, call.Outcome);
    }

    [Fact]
    public void AgentLegEndingBeforeTheDialReport_WaitsForItToBeOver()
    {
        var call = Confirmed();
        call.RecordStatus(CallLeg.Contact, CallStatus.InProgress, Now, null);

        call.RecordStatus(CallLeg.Agent, CallStatus.Completed, Now.AddMinutes(5), 300);
        Assert.False(call.IsOver);
        Assert.True(call.ContactDialEnded(CallStatus.Completed, true, 280));

        Assert.True(call.IsOver);
        Assert.Equal(CallOutcome.Connected, call.Outcome);
        Assert.Equal(280, call.TalkSeconds);
        Assert.Equal(300, call.DurationSeconds);
    }

    [Theory]
    [InlineData(CallStatus.NoAnswer, CallOutcome.AgentNoAnswer)]
    [InlineData(CallStatus.Busy, CallOutcome.AgentBusy)]
    [InlineData(CallStatus.Failed, CallOutcome.AgentFailed)]
    [InlineData(CallStatus.Completed, CallOutcome.AgentNoAnswer)]
    public void AgentLegEndingUnanswered_EndsTheCall(CallStatus status, CallOutcome outcome)
    {
        var call = Requested();
        call.AgentDialed("CA1");

        call.RecordStatus(CallLeg.Agent, status, Now, 0);

        Assert.True(call.IsOver);
        Assert.Equal(outcome, call.Outcome);
    }

    [Fact]
    public void InboundSteps_DoNotApplyToAnOutboundCall()
    {
        var call = Requested();

        Assert.False(call.StartScreening("CA2", Now));
        Assert.Equal(ScreeningResult.Declined, call.Screen("1", Now));
        Assert.Equal(DialEnd.Ended, call.FinishDial(CallStatus.Completed, true, 10, null, Now));
        Assert.Null(call.Outcome);
    }

    [Fact]
    public void Report_WhenOver_QueuesOneOutboundCompletedEvent()
    {
        var call = Requested();
        CallEndEvents.Report(call, Now);
        Assert.Empty(call.Events);

        call.AgentDialFailed(CallOutcome.ProviderUnreachable, "connection refused", Now);
        CallEndEvents.Report(call, Now);
        CallEndEvents.Report(call, Now);

        var reported = Assert.Single(call.Events);
        Assert.Equal(CallEvents.OutboundCompleted, reported.Type);
        Assert.Contains("\"outcome\":\"providerUnreachable\"", reported.Data);
    }
}
