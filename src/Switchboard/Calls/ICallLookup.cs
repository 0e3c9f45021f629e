namespace Switchboard.Calls;

/// <summary>
/// Asks the provider that carried a call what became of it, for calls whose last webhook never came.
/// </summary>
public interface ICallLookup
{
    bool Configured { get; }

    /// <param name="provider">The call's <see cref="CallRecord.Provider"/> (null: Twilio).</param>
    Task<CallLookup> LookupAsync(string? provider, string callSid, CancellationToken ct);
}

public abstract record CallLookup
{
    /// <summary>The call's status (parsed by the provider's edge), its duration and when it ended.</summary>
    public sealed record Found(CallStatus Status, int? DurationSeconds, DateTime? EndedAt) : CallLookup;

    /// <summary>The provider does not know the call.</summary>
    public sealed record Unknown : CallLookup;

    /// <summary>No usable answer this time (an error, a timeout): ask again later.</summary>
    public sealed record Failed(string Detail) : CallLookup;
}
