namespace Switchboard.Routing;

/// <summary>Everything the routing policy needs to know about one inbound call, read ahead of the decision.</summary>
public sealed record RoutingFacts
{
    /// <summary>The caller in E.164, or null when the provider withheld it or sent something that is not a number.</summary>
    public required string? Caller { get; init; }

    /// <summary>The platform number called, or null when it is not one of ours.</summary>
    public required NumberFacts? Number { get; init; }
}

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
}

public abstract record OwnerFacts;

public sealed record InboxFacts : OwnerFacts
{
    public required long InboxId { get; init; }
    public required string Name { get; init; }
    public required InboxMode Mode { get; init; }
    public required string? ForwardTo { get; init; }
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
}

public sealed record LastTexterFacts
{
    public required long AgentId { get; init; }
    public required DateTime SentAt { get; init; }
    public required AgentState State { get; init; }
    public required string? Phone { get; init; }
}
