namespace Switchboard.Routing;

/// <summary>Everything the routing policy needs to know about one inbound call, read ahead of the decision.</summary>
public sealed record RoutingFacts
{
    /// <summary>
    /// The caller in E.164, or null when the provider withheld it or sent something that is not a number.
    /// </summary>
    public required string? Caller { get; init; }

    /// <summary>The platform number called, or null when it is not one of ours.</summary>
    public required NumberFacts? Number { get; init; }

    /// <summary>
    /// When the call arrives (UTC): a last text older than the organization's maximum age counts as none; hours are
    /// checked at it.
    /// </summary>
    public DateTime Now { get; init; }

    /// <summary>The provider's caller-verification result (STIR/SHAKEN), parsed at the edge.</summary>
    public CallerVerification Verification { get; init; }
}

/// <summary>
/// What the provider says about the caller's number: attested and passed, failed, or nothing (not signed, unknown).
/// </summary>
public enum CallerVerification { None, Passed, Failed }

public sealed record NumberFacts
{
    public required string Number { get; init; }
    public required long OrganizationId { get; init; }

    /// <summary>Null when the number is not assigned to a group or an inbox.</summary>
    public required OwnerFacts? Owner { get; init; }

    /// <summary>
    /// Whether the organization wants call events. Not a routing fact: read with them so that a call decided at
    /// once (rejected, nobody available) stores its event with its record, without another look-up.
    /// </summary>
    public bool ReportsCallEvents { get; init; }

    /// <summary>The organization's own unavailable message; null: the stock one.</summary>
    public CallerMessage? OrganizationMessage { get; init; }

    /// <summary>The caller is on the organization's blocked list.</summary>
    public bool CallerBlocked { get; init; }

    /// <summary>The organization rejects calls whose caller verification failed.</summary>
    public bool RejectFailedVerification { get; init; }

    /// <summary>The organization's opening hours; null: always open.</summary>
    public OpeningHours? OrganizationHours { get; init; }

    /// <summary>The organization's language ("en-US" or "es-US").</summary>
    public string Language { get; init; } = CallerLanguage.English;
}

public abstract record OwnerFacts
{
    /// <summary>The group's or inbox's own opening hours; null: it follows the organization's.</summary>
    public OpeningHours? OwnHours { get; init; }
}

public sealed record InboxFacts : OwnerFacts
{
    public required long InboxId { get; init; }
    public required string Name { get; init; }
    public required InboxMode Mode { get; init; }
    public required string? ForwardTo { get; init; }

    /// <summary>The inbox's own unavailable message; null: the organization's.</summary>
    public CallerMessage? Message { get; init; }

    /// <summary>A rejected call hears the message, then hangs up, instead of being refused silently.</summary>
    public bool RejectWithMessage { get; init; }
}

public sealed record GroupFacts : OwnerFacts
{
    public required long GroupId { get; init; }
    public required string Name { get; init; }
    public required GroupMode Mode { get; init; }
    public required string? ForwardTo { get; init; }
    public required OrganizationMode OrganizationMode { get; init; }
    public required string? OrganizationForwardTo { get; init; }

    /// <summary>The most recent text to the caller from this group, or null when there is none.</summary>
    public required LastTexterFacts? LastTexter { get; init; }

    public GroupFallbackMode FallbackMode { get; init; }
    public string? FallbackForwardTo { get; init; }
    public FallbackMode OrganizationFallbackMode { get; init; }
    public string? OrganizationFallbackForwardTo { get; init; }

    /// <summary>Only the group's members take its calls; a last texter no longer in it counts as unavailable.</summary>
    public bool MembersOnly { get; init; }

    /// <summary>The organization's maximum age of a last text, in days; null: any age.</summary>
    public int? LastTextMaxAgeDays { get; init; }

    /// <summary>The group's own unavailable message; null: the organization's.</summary>
    public CallerMessage? Message { get; init; }

    /// <summary>A rejected call hears the message, then hangs up, instead of being refused silently.</summary>
    public bool RejectWithMessage { get; init; }

    /// <summary>Whom else to ring when the last agent cannot take the call.</summary>
    public RingTeam RingTeam { get; init; } = RingTeam.Off;

    /// <summary>The group's own language; null: the organization's.</summary>
    public string? Language { get; init; }
}

public sealed record LastTexterFacts
{
    public required long AgentId { get; init; }
    public required DateTime SentAt { get; init; }
    public required AgentState State { get; init; }
    public required string? Phone { get; init; }

    /// <summary>
    /// Whether the agent is a member of the group; it matters only when the group takes calls for members only.
    /// </summary>
    public bool IsMember { get; init; }

    /// <summary>
    /// The agent's name, when the reader of the steps is a person ("Test a call"); calls do without it.
    /// </summary>
    public string? Name { get; init; }
}
