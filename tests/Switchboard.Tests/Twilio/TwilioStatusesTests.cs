using Switchboard.Calls;
using Switchboard.Twilio;

namespace Switchboard.Tests.Twilio;

public sealed class TwilioStatusesTests
{
    /// <summary>Every CallStatus and DialCallStatus value Twilio documents, as it sends them.</summary>
    private static readonly (string Twilio, CallStatus Status)[] Words =
    [
        ("queued", CallStatus.Queued),
        ("initiated", CallStatus.Initiated),
        ("ringing", CallStatus.Ringing),
        ("in-progress", CallStatus.InProgress),
        ("answered", CallStatus.Answered),
        ("completed", CallStatus.Completed),
        ("busy", CallStatus.Busy),
        ("no-answer", CallStatus.NoAnswer),
        ("failed", CallStatus.Failed),
        ("canceled", CallStatus.Canceled),
    ];

    public static TheoryData<string, CallStatus> Documented
    {
        get
        {
            var data = new TheoryData<string, CallStatus>();
            foreach (var (twilio, status) in Words)
            {
                data.Add(twilio, status);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Documented))]
    public void Parse_DocumentedStatus_GivesSwitchboardsStatus(string twilio, CallStatus expected) =>
        Assert.Equal(expected, TwilioStatuses.Parse(twilio));

    [Theory]
    [MemberData(nameof(Documented))]
    public void Name_OfAParsedStatus_IsTheWordTheCallLogHasAlwaysShown(string twilio, CallStatus status) =>
        Assert.Equal(twilio, CallStatuses.Name(status));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Completed")]
    [InlineData("on-hold")]
    [InlineData("completed\n")]
    public void Parse_AnythingElse_IsNoStatus(string? twilio) => Assert.Null(TwilioStatuses.Parse(twilio));

    [Fact]
    public void EveryStatus_IsReachedFromTwilio() =>
        Assert.Equal(Enum.GetValues<CallStatus>(), Words.Select(w => w.Status).Order());
}
