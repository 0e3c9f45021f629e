namespace Switchboard.Routing;

public enum OrganizationMode { LastAgent, Forward }

public enum GroupMode { FollowOrganization, LastAgent, Forward }

public enum InboxMode { Reject, Forward }

public enum AgentState { Active, Inactive, Deleted }

/// <summary>What happens when the last agent does not take the call (declines, no answer, busy, unavailable).</summary>
public enum FallbackMode { Message, Forward }

public enum GroupFallbackMode { FollowOrganization, Message, Forward }

/// <summary>
/// What the caller hears instead of the stock "nobody is available" message: text spoken with &lt;Say&gt; (in a voice
/// and language when given), or an audio file played with &lt;Play&gt;. Exactly one of <see cref="Say"/> and
/// <see cref="PlayUrl"/> is set.
/// </summary>
public sealed record CallerMessage(string? Say, string? Voice, string? Language, string? PlayUrl)
{
    public static CallerMessage? From(string? say, string? voice, string? language, string? playUrl) =>
        say is null && playUrl is null ? null : new CallerMessage(say, voice, language, playUrl);

    /// <summary>
    /// Whose message a caller hears, the one rule for routing, the dial's end and the call options' answers: the
    /// group's or inbox's own, else the organization's; null is the stock one.
    /// </summary>
    public static CallerMessage? Heard(CallerMessage? own, CallerMessage? organization) => own ?? organization;
}
