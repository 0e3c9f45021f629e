using Switchboard.Calls;
using Switchboard.Phones;

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

    public static string Decision(string decision) =>
        Decisions.FirstOrDefault(d => d.Value == decision).Label ?? decision;

    public static string WentTo(CallLogEntry call, PhoneDisplay phones) =>
        call.Direction == "outbound"
            ? $"called out by {call.AgentName ?? $"agent {call.AgentId}"}"
            : call.Decision switch
            {
                "connectAgent" when call.Fallback is { } fallback =>
                    $"{call.AgentName ?? $"agent {call.AgentId}"}, then the " +
                    $"fallback {Shown(fallback.ForwardTo, phones)}",
                "connectAgent" or "agentUnavailable" => call.AgentName ?? $"agent {call.AgentId}",
                "forward" => $"forwarded to {Shown(call.ForwardTo, phones)}",
                _ => "nobody (rejected)",
            };

    /// <summary>
    /// "agentNoAnswer" → "Agent no answer"; a call still going on has no outcome yet, an outbound one says how far it
    /// came.
    /// </summary>
    public static string Result(CallLogEntry call) => call.Outcome is { Length: > 0 } outcome
        ? call.Fallback is not null && call.AgentOutcome is { } agentOutcome
            ? $"{Words(agentOutcome)}, then {Words(outcome).ToLowerInvariant()}"
            : Words(outcome)
        : call.Stage is { } stage && stage != "ended"
            ? $"in progress ({Words(stage).ToLowerInvariant()})"
            : "in progress";

    private static string Shown(string? number, PhoneDisplay phones) => number is null ? "" : phones.Show(number);

    private static string Words(string name) =>
        char.ToUpperInvariant(name[0]) +
            string.Concat(name[1..].Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
