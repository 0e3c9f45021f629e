namespace Switchboard.Audit;

public enum ActorKind { Operator, ApiKey, PanelUser, Anonymous, System }

public enum AuditAction { Created, Changed, Deleted, Resent, Replayed, SignedOutEverywhere }

/// <summary>
/// One change to something an admin configures, as it was saved: who, when, what, and the changed fields before →
/// after. Rows are only ever added (<see cref="Storage.SwitchboardDb"/> refuses to save a changed or removed one).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public DateTime At { get; set; }
    public ActorKind ActorKind { get; set; }

    /// <summary>The API key's id, or the panel user's agent id; null for the operator and the system.</summary>
    public long? ActorId { get; set; }

    /// <summary>The key's or the panel user's name as it was at the time.</summary>
    public string? ActorName { get; set; }

    /// <summary>"admin" or "agent" for keys and panel users.</summary>
    public string? ActorRole { get; set; }

    /// <summary>
    /// The client's address (behind trusted proxies, the one they forwarded); null outside a request.
    /// </summary>
    public string? SourceAddress { get; set; }

    public AuditAction Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }

    /// <summary>A JSON array of <see cref="AuditChange"/>: secrets never in it, personal phones masked.</summary>
    public required string Changes { get; set; }
}

public sealed record AuditChange(string Field, string? Before, string? After);

/// <summary>Who is making a change.</summary>
public sealed record AuditActor(ActorKind Kind, long? Id = null, string? Name = null, string? Role = null);
