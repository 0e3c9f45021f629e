using System.Globalization;
using Switchboard.Routing;

namespace Switchboard.Calls;

/// <summary>
/// Ring the team (docs/routing.md B8): once the agent chosen for an inbound call did not take it, or could not, other
/// agents of the group ring — all at once, or one after another — before the fallback number or the message. The
/// first of them to press 1 takes the call and is credited with it.
/// </summary>
public sealed partial class CallRecord
{
    /// <summary>The group's ring-the-team mode when the call was decided; null: off.</summary>
    public RingTeamMode? TeamMode { get; init; }

    /// <summary>The agents the team step rang, in order, as ",12,15," (one short column).</summary>
    public string? TeamRung { get; private set; }

    public DateTime? TeamStartedAt { get; private set; }

    /// <summary>The agent of the team who pressed 1 first and took the call.</summary>
    public long? TeamAgentId { get; private set; }

    public DateTime? TeamAcceptedAt { get; private set; }

    public IReadOnlyList<long> TeamRungIds => ParseRung(TeamRung);

    /// <summary>The agent who took the call: the team's, else the agent it was offered to when they did.</summary>
    public long? AnsweredByAgentId => TeamAgentId ?? (AgentOutcome == CallOutcome.Connected ? AgentId : null);

    /// <summary>Waiting for the team step: the agent did not take the call and the caller is still there.</summary>
    private bool TeamPending => TeamMode is not null && Outcome is null && FallbackStartedAt is null;

    /// <summary>The team rings these agents now (together: several; in turn: the next one).</summary>
    public bool RingTeam(IReadOnlyList<long> agentIds, DateTime now)
    {
        if (!TeamPending || TeamAgentId is not null || agentIds.Count == 0)
        {
            return false;
        }

        TeamStartedAt ??= now;
        var ids = agentIds.Select(id => id.ToString(CultureInfo.InvariantCulture));
        TeamRung = (TeamRung ?? ",") + string.Join(',', ids) + ",";
        Touch();
        return true;
    }

    /// <summary>
    /// Nobody (more) of the team to ring: the fallback number rings next when there is one; otherwise the call ends
    /// as the agent's leg came to (or as the agent could not take calls).
    /// </summary>
    public DialEnd TeamDone(DateTime now)
    {
        if (!TeamPending)
        {
            return Outcome == CallOutcome.Connected ? DialEnd.Connected
                : FallbackStartedAt is not null && Outcome is null ? DialEnd.Fallback : DialEnd.Ended;
        }

        if (FallbackForwardTo is not null)
        {
            FallbackStartedAt = now;
            Touch();
            return DialEnd.Fallback;
        }

        Outcome = AgentOutcome ?? CallOutcome.AgentUnavailable;
        Touch();
        return DialEnd.Ended;
    }

    /// <summary>An agent of the team picked up and is about to hear the prompt.</summary>
    public bool StartTeamScreening(long agentId) => TeamPending && TeamAgentId is null && WasRung(agentId);

    /// <summary>A team agent's key press: the first to press 1 takes the call; anyone after hears it end.</summary>
    public ScreeningResult TeamScreen(long agentId, string? digits, DateTime now)
    {
        if (!TeamPending || !WasRung(agentId))
        {
            return ScreeningResult.Declined;
        }

        if (TeamAgentId is { } taken)
        {
            return taken == agentId ? ScreeningResult.Accepted : ScreeningResult.Declined;
        }

        if (digits != AcceptKey)
        {
            return string.IsNullOrEmpty(digits) ? ScreeningResult.NoInput : ScreeningResult.Declined;
        }

        TeamAgentId = agentId;
        TeamAcceptedAt = now;
        Touch();
        return ScreeningResult.Accepted;
    }

    /// <summary>
    /// The team's dial ended: connected to the agent who took it, the caller gone, or on (the next agent in turn, else
    /// the fallback number or the message: <see cref="DialEnd.Team"/> asks for the next step).
    /// </summary>
    public DialEnd FinishTeamDial(CallStatus? dialStatus, bool? bridged, int? dialSeconds, CallStatus? callerStatus)
    {
        if (!TeamPending || TeamStartedAt is null)
        {
            return Outcome == CallOutcome.Connected ? DialEnd.Connected : DialEnd.Ended;
        }

        var connected = bridged ?? (TeamAgentId is not null && dialStatus == CallStatus.Completed);
        if (connected && TeamAgentId is not null)
        {
            Outcome = CallOutcome.Connected;
            DialStatus = dialStatus;
            TalkSeconds = dialSeconds;
            Touch();
            return DialEnd.Connected;
        }

        // An agent who pressed 1 as the caller hung up was not connected: nobody takes the credit.
        TeamAgentId = null;
        TeamAcceptedAt = null;
        if (CallerGoneAt(dialStatus, callerStatus) || CallerStatus?.IsEnded() == true)
        {
            Outcome = CallOutcome.CallerHungUp;
            Touch();
            return DialEnd.Ended;
        }

        Touch();
        return DialEnd.Team;
    }

    /// <summary>The agent ids of a stored <see cref="TeamRung"/>.</summary>
    public static IReadOnlyList<long> ParseRung(string? rung) => rung is null
        ? []
        : [.. rung.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(id => long.Parse(id, CultureInfo.InvariantCulture))];

    private bool WasRung(long agentId) =>
        TeamRung?.Contains(
            "," + agentId.ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal) == true;
}
