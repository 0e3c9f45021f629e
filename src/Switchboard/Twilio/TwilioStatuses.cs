using Switchboard.Calls;

namespace Switchboard.Twilio;

/// <summary>
/// Twilio's <c>CallStatus</c> and <c>DialCallStatus</c> values in Switchboard's words. Anything else (a value
/// Twilio does not document, or none) is null: it tells nothing about the call.
/// </summary>
internal static class TwilioStatuses
{
    public static CallStatus? Parse(string? status) => status switch
    {
        "queued" => CallStatus.Queued,
        "initiated" => CallStatus.Initiated,
        "ringing" => CallStatus.Ringing,
        "in-progress" => CallStatus.InProgress,
        "answered" => CallStatus.Answered,
        "completed" => CallStatus.Completed,
        "busy" => CallStatus.Busy,
        "no-answer" => CallStatus.NoAnswer,
        "failed" => CallStatus.Failed,
        "canceled" => CallStatus.Canceled,
        _ => null,
    };
}
