using Switchboard.Calls;
using Switchboard.Routing;

namespace Switchboard.Twilio;

/// <summary>
/// Twilio's <c>StirVerstat</c> (SHAKEN/STIR): <c>TN-Validation-Passed-A|B|C</c>, <c>TN-Validation-Failed-A|B|C</c>,
/// <c>TN-Validation-Failed</c>, <c>No-TN-Validation</c>. Only values of that form are kept as sent; anything else
/// (absent, or not Twilio's) tells nothing and is not stored.
/// </summary>
internal static class TwilioCallerVerification
{
    public static CallerCheck Parse(string? verstat) => verstat switch
    {
        "TN-Validation-Passed-A" or "TN-Validation-Passed-B" or "TN-Validation-Passed-C" =>
            new(CallerVerification.Passed, verstat),
        "TN-Validation-Failed-A" or "TN-Validation-Failed-B" or "TN-Validation-Failed-C" or "TN-Validation-Failed" =>
            new(CallerVerification.Failed, verstat),
        "No-TN-Validation" => new(CallerVerification.None, verstat),
        _ => new(CallerVerification.None, null),
    };
}
