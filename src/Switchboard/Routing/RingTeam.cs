namespace Switchboard.Routing;

public enum RingTeamMode { Off, Together, InTurn }

/// <summary>
/// A group's "ring the team": when its last agent cannot take a call, ring other agents together or one after another.
/// </summary>
public sealed record RingTeam(RingTeamMode Mode, int RingSeconds, int MaxAgents)
{
    public const int MinRingSeconds = 10;
    public const int MaxRingSeconds = 60;
    public const int DefaultRingSeconds = 20;
    public const int MaxAgentsLimit = 10;
    public const int DefaultMaxAgents = 5;

    public static readonly RingTeam Off = new(RingTeamMode.Off, DefaultRingSeconds, DefaultMaxAgents);
}

/// <summary>An agent who might take a team call.</summary>
public sealed record TeamAgentFacts(long AgentId, AgentState State, string? Phone, bool IsMember);

/// <summary>What the team step needs once the last agent did not take the call.</summary>
public sealed record TeamFacts
{
    public required RingTeam RingTeam { get; init; }

    /// <summary>The organization's agents, in the order they are rung (in turn) or listed (together).</summary>
    public required IReadOnlyList<TeamAgentFacts> Agents { get; init; }

    /// <summary>
    /// The agent the call was offered to first (who declined, did not answer, or could not take calls).
    /// </summary>
    public required long? LastAgentId { get; init; }

    /// <summary>Agents the team step already rang for this call, in order.</summary>
    public IReadOnlyList<long> AlreadyRung { get; init; } = [];
}

/// <summary>Ring these agents now (together: all at once, the first to press 1 takes the call; in turn: one).</summary>
public sealed record TeamDial(IReadOnlyList<TeamAgentFacts> Agents, int RingSeconds, string Step);
