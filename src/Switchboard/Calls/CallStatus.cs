using System.Text.Json;

namespace Switchboard.Calls;

/// <summary>
/// Where a leg of a call, or a dial from it, stands, in Switchboard's own words. Each provider's edge parses its
/// dialect into these (Twilio/TwilioStatuses.cs); the call's record never sees a provider's strings.
/// </summary>
public enum CallStatus
{
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Answered,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

public static class CallStatuses
{
    /// <summary>The leg is over: nothing after this status changes it.</summary>
    public static bool IsEnded(this CallStatus status) =>
        status is CallStatus.Completed or CallStatus.Busy or CallStatus.NoAnswer or CallStatus.Failed
            or CallStatus.Canceled;

    /// <summary>Talking: the person at the other end picked up.</summary>
    public static bool IsAnswered(this CallStatus status) => status is CallStatus.InProgress or CallStatus.Answered;

    /// <summary>How far a leg has come, so that a late status never takes it back.</summary>
    public static int Rank(this CallStatus status) => status switch
    {
        CallStatus.Queued => 0,
        CallStatus.Initiated => 1,
        CallStatus.Ringing => 2,
        CallStatus.InProgress or CallStatus.Answered => 3,
        _ => 4,
    };

    /// <summary>The word stored and shown by the API ("no-answer", "in-progress").</summary>
    public static string Name(CallStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static CallStatus FromName(string name) =>
        Enum.GetValues<CallStatus>().First(s => string.Equals(Name(s), name, StringComparison.Ordinal));
}
