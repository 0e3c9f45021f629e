using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Switchboard.Authorization;
using Switchboard.Phones;
using Switchboard.Storage;

namespace Switchboard.Audit;

/// <summary>
/// A change to an audited entity, taken from the change tracker before saving, when its old values are still known.
/// </summary>
public sealed class PendingChange
{
    public required EntityEntry Entry { get; init; }
    public required AuditAction Action { get; init; }

    /// <summary>
    /// Known before saving for changes and deletions; a created entity's fields (and generated id) are read after.
    /// </summary>
    public IReadOnlyList<AuditChange>? Fields { get; init; }

    public string? EntityId { get; init; }
    public long? OrganizationId { get; init; }
}

/// <summary>
/// Records who changed what an admin configures, from the change tracker, in the transaction of the change itself
/// (<see cref="AuditInterceptor"/>). It knows entity types, not fields: a field
/// added to an audited type is audited without more code. Secrets (any field named like a secret, password or hash,
/// and any byte array) are written as "(set)"/"(changed)", never their value; an agent's personal phone is masked.
/// </summary>
public sealed class AuditTrail(TimeProvider clock, IHttpContextAccessor http)
{
    public const string Hidden = "(hidden)";
    public const string Set = "(set)";
    public const string Changed = "(changed)";

    /// <summary>The audited entity types, by the name the audit log gives them.</summary>
    private static readonly Dictionary<Type, string> Audited = new()
    {
        [typeof(Organization)] = "organization",
        [typeof(Group)] = "group",
        [typeof(Inbox)] = "inbox",
        [typeof(Agent)] = "agent",
        [typeof(PlatformNumber)] = "number",
        [typeof(ApiKey)] = "apiKey",
        [typeof(PanelLogin)] = "panelLogin",
        [typeof(GroupMember)] = "groupMember",
        [typeof(BlockedCaller)] = "blockedCaller",
        [typeof(ProviderAccount)] = "providerAccount",
    };

    /// <summary>Sign-in bookkeeping: every wrong password changes these, and nobody configured them.</summary>
    private static readonly HashSet<(Type, string)> NotAudited =
    [
        (typeof(PanelLogin), nameof(PanelLogin.FailedAttempts)),
        (typeof(PanelLogin), nameof(PanelLogin.LockedUntil)),
        // Changed with the password (whose change is recorded) or by "sign out everywhere" (recorded as such).
        (typeof(PanelLogin), nameof(PanelLogin.SecurityStamp)),
    ];

    /// <summary>
    /// Actions on what is not configuration (an event sent again), recorded by the code that does them.
    /// </summary>
    public const string CallEventType = "callEvent";

    public static IReadOnlyCollection<string> EntityTypes => [.. Audited.Values, CallEventType];

    /// <summary>The audited changes among the tracked entries (changes are expected to be detected already).</summary>
    public static List<PendingChange> Collect(IEnumerable<EntityEntry> entries)
    {
        var pending = new List<PendingChange>();
        foreach (var entry in entries)
        {
            if (entry.Entity is AuditEntry && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException(
                    "The audit log is append-only: its entries are never changed or removed.");
            }

            if (!Audited.ContainsKey(entry.Metadata.ClrType))
            {
                continue;
            }

            var change = entry.State switch
            {
                EntityState.Added => new PendingChange { Entry = entry, Action = AuditAction.Created },
                EntityState.Modified => Modified(entry),
                EntityState.Deleted => new PendingChange
                {
                    Entry = entry,
                    Action = AuditAction.Deleted,
                    Fields = Fields(entry, p => entry.Property(p.Name).OriginalValue)
                        .Where(f => f.Value is not null && !f.Property.IsPrimaryKey())
                        .Select(f => Describe(f.Property, f.Value, null))
                        .ToList(),
                    EntityId = EntityIdOf(entry),
                    OrganizationId = OrganizationIdOf(entry),
                },
                _ => null,
            };
            if (change is not null)
            {
                pending.Add(change);
            }
        }

        return pending;
    }

    /// <summary>
    /// Who is acting: the API key or the panel user of the current request, the operator, or the system outside a
    /// request.
    /// </summary>
    public async Task<AuditActor> ActorAsync(SwitchboardDb db, CancellationToken ct)
    {
        if (http.HttpContext?.User is not { } user)
        {
            return new AuditActor(ActorKind.System);
        }

        var caller = Caller.From(user);
        if (caller is null)
        {
            return new AuditActor(ActorKind.Anonymous);
        }

        if (PanelUser.LoginIdOf(user) is not null)
        {
            return new AuditActor(ActorKind.PanelUser, caller.AgentId, PanelUser.NameOf(user), RoleName(caller.Role));
        }

        if (caller.KeyId is { } keyId)
        {
            var name = await db.ApiKeys.AsNoTracking()
                .Where(k => k.Id == keyId)
                .Select(k => k.Name)
                .FirstOrDefaultAsync(ct);
            return new AuditActor(ActorKind.ApiKey, keyId, name, RoleName(caller.Role));
        }

        return caller.Role == CallerRole.Operator
            ? new AuditActor(ActorKind.Operator)
            : new AuditActor(ActorKind.Anonymous);
    }

    /// <summary>
    /// An entry for an action that changes no configured entity (e.g. events asked for again); the caller adds and
    /// saves it.
    /// </summary>
    public async Task<AuditEntry> ActionAsync(
        SwitchboardDb db,
        long organizationId,
        AuditAction action,
        string entityType,
        string entityId,
        IReadOnlyList<AuditChange> changes,
        CancellationToken ct)
    {
        var actor = await ActorAsync(db, ct);
        return new AuditEntry
        {
            OrganizationId = organizationId,
            At = clock.GetUtcNow().UtcDateTime,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorRole = actor.Role,
            SourceAddress = SourceAddress(),
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Changes = JsonSerializer.Serialize(changes, JsonSerializerOptions.Web),
        };
    }

    /// <summary>
    /// The entry for a change, once saved (a created entity has its id by then); null when nothing worth recording
    /// changed.
    /// </summary>
    public AuditEntry? EntryFor(PendingChange change, AuditActor actor)
    {
        var entry = change.Entry;
        var fields = change.Fields ?? Fields(entry, p => entry.Property(p.Name).CurrentValue)
            .Where(f => f.Value is not null && !f.Property.IsPrimaryKey())
            .Select(f => Describe(f.Property, null, f.Value))
            .ToList();
        var organizationId = change.OrganizationId ?? OrganizationIdOf(entry);
        if ((fields.Count == 0 && change.Action == AuditAction.Changed) || organizationId is null)
        {
            return null;
        }

        return new AuditEntry
        {
            OrganizationId = organizationId.Value,
            At = clock.GetUtcNow().UtcDateTime,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorRole = actor.Role,
            SourceAddress = SourceAddress(),
            Action = change.Action,
            EntityType = Audited[entry.Metadata.ClrType],
            EntityId = change.EntityId ?? EntityIdOf(entry),
            Changes = JsonSerializer.Serialize(fields, JsonSerializerOptions.Web),
        };
    }

    private string? SourceAddress() => http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public static IReadOnlyList<AuditChange> ReadChanges(string json) =>
        JsonSerializer.Deserialize<List<AuditChange>>(json, JsonSerializerOptions.Web) ?? [];

    private static PendingChange? Modified(EntityEntry entry)
    {
        var fields = entry.Properties
            .Where(p => p.IsModified
                && !NotAudited.Contains((entry.Metadata.ClrType, p.Metadata.Name))
                && !Same(p.OriginalValue, p.CurrentValue))
            .Select(p => Describe(p.Metadata, p.OriginalValue, p.CurrentValue))
            .ToList();
        return fields.Count == 0
            ? null
            : new PendingChange
            {
                Entry = entry,
                Action = AuditAction.Changed,
                Fields = fields,
                EntityId = EntityIdOf(entry),
                OrganizationId = OrganizationIdOf(entry),
            };
    }

    /// <summary>Every audited field but the organization (the entry names it), in the model's order.</summary>
    private static IEnumerable<(IProperty Property, object? Value)> Fields(
        EntityEntry entry,
        Func<IProperty, object?> value) =>
        entry.Metadata.GetProperties()
            .Where(p => p.Name != nameof(Agent.OrganizationId)
                && !NotAudited.Contains((entry.Metadata.ClrType, p.Name)))
            .Select(p => (p, value(p)));

    private static AuditChange Describe(IProperty property, object? before, object? after)
    {
        var field = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        if (IsSecret(property))
        {
            return new AuditChange(
                field,
                before is null ? null : Hidden,
                after is null ? null : before is null ? Set : Changed);
        }

        if (IsPersonalPhone(property))
        {
            return new AuditChange(
                field,
                before is null ? null : PhoneMask.Mask(Format(before)),
                after is null ? null : PhoneMask.Mask(Format(after)));
        }

        return new AuditChange(field, Format(before), Format(after));
    }

    private static bool IsSecret(IProperty property) =>
        property.ClrType == typeof(byte[]) ||
        property.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase) ||
        property.Name.Contains("Password", StringComparison.OrdinalIgnoreCase) ||
        property.Name.EndsWith("Hash", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An agent's own number is personal; forward targets are the organization's and are shown in full.
    /// </summary>
    private static bool IsPersonalPhone(IProperty property) =>
        property.DeclaringType.ClrType == typeof(Agent) && property.Name == nameof(Agent.Phone);

    private static bool Same(object? a, object? b) => StructuralComparisons.StructuralEqualityComparer.Equals(a, b);

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTime at => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Enum e => JsonNamingPolicy.CamelCase.ConvertName(e.ToString()),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string RoleName(CallerRole role) => JsonNamingPolicy.CamelCase.ConvertName(role.ToString());

    private static string EntityIdOf(EntityEntry entry) =>
        string.Join(
            "/",
            entry.Metadata.FindPrimaryKey()!.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue)));

    private static long? OrganizationIdOf(EntityEntry entry) =>
        entry.Entity is Organization organization ? organization.Id
        : entry.Metadata.FindProperty(nameof(Agent.OrganizationId)) is { } property
            ? entry.Property(property.Name).CurrentValue as long?
        : null;
}
