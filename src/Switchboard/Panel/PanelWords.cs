using Switchboard.Calls;

namespace Switchboard.Panel;

/// <summary>The API's names of decisions and outcomes ("connectAgent"), as the panel says them.</summary>
public static class PanelWords
{
    public static readonly IReadOnlyList<(string Value, string Label)> Decisions =
    [
        ("connectAgent", "Rang an agent"),
        ("forward", "Forwarded"),
        ("agentUnavailable", "Nobody available"),
        ("reject", "Rejected"),
    ];

    public static string Decision(string decision) => Decisions.FirstOrDefault(d => d.Value == decision).Label ?? decision;

    public static string WentTo(CallLogEntry call) => call.Decision switch
    {
        "connectAgent" or "agentUnavailable" => call.AgentName ?? $"agent {call.AgentId}",
        "forward" => $"forwarded to {call.ForwardTo}",
        _ => "nobody (rejected)",
    };

    /// <summary>"agentNoAnswer" → "Agent no answer"; a call still going on has no outcome yet.</summary>
    public static string Result(CallLogEntry call) => call.Outcome is not { Length: > 0 } outcome
        ? "in progress"
        : char.ToUpperInvariant(outcome[0]) + string.Concat(outcome[1..].Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
