namespace Switchboard.Calls;

/// <summary>
/// Asks the telephony provider to ring an agent's phone for an outbound call. Only the provider edge knows how
/// (Twilio's REST API); what comes back is one of four answers, because what the record does next depends on it.
/// </summary>
public interface ICallPlacer
{
    /// <summary>False when the provider's account is not configured: no outbound call can be placed.</summary>
    bool Configured { get; }

    Task<PlaceResult> RingAgentAsync(long callId, string agentPhone, string platformNumber, CancellationToken ct);
}

public abstract record PlaceResult
{
    /// <summary>
    /// The provider (by its webhook segment: <c>twilio</c>, <c>telnyx</c>, …) took the call and gave it its id.
    /// </summary>
    public sealed record Placed(string CallSid, CallStatus Status, string Provider) : PlaceResult;

    /// <summary>The provider answered with an error: no call was created.</summary>
    public sealed record Refused(int HttpStatus, int? Code, string Message, string? MoreInfo) : PlaceResult;

    /// <summary>
    /// The request never reached the provider (connection refused, no such host): no call was created.
    /// </summary>
    public sealed record NotSent(string Detail) : PlaceResult;

    /// <summary>The request may have reached the provider, but no answer came in time: the call may exist.</summary>
    public sealed record Uncertain(string Detail) : PlaceResult;
}
