using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Audit;

public sealed record AuditActorAnswer(string Kind, long? Id, string? Name, string? Role);

public sealed record AuditEntryAnswer(
    long Id,
    DateTime At,
    AuditActorAnswer Actor,
    string Action,
    string EntityType,
    string EntityId,
    IReadOnlyList<AuditChange> Changes,
    string? SourceAddress);

public sealed record AuditPage(IReadOnlyList<AuditEntryAnswer> Items, long? NextBefore);

/// <summary>
/// The filters of the audit log as written in a query string; every one may be left out.
/// Properties rather than a constructor: the request delegate generator (endpoints bound at build time) writes
/// <c>typeof(string?)</c> for a constructor's nullable strings, which does not compile.
/// </summary>
public sealed record AuditFilter
{
    public string? Limit { get; init; }

    public string? Before { get; init; }

    public string? EntityType { get; init; }

    public string? EntityId { get; init; }
}

/// <summary>The audit log of an organization, newest first, as admins read it through the API and the panel.</summary>
public sealed class AuditLog(SwitchboardDb db)
{
    public const int DefaultPageSize = 50;

    public async Task<Answer<AuditPage>> PageAsync(long orgId, AuditFilter filter, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        int? size = null;
        long? before = null;
        if (!string.IsNullOrEmpty(filter.Limit))
        {
            size = int.TryParse(filter.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n is >= 1 and <= 200
                ? n
                : null;
            if (size is null)
            {
                errors["limit"] = ["must be a whole number between 1 and 200"];
            }
        }

        if (!string.IsNullOrEmpty(filter.Before))
        {
            before = long.TryParse(filter.Before, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : null;
            if (before is null)
            {
                errors["before"] = ["must be the nextBefore of a previous page"];
            }
        }

        var entityType = AuditTrail.EntityTypes.FirstOrDefault(t =>
            string.Equals(t, filter.EntityType, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrEmpty(filter.EntityType) && entityType is null)
        {
            errors["entityType"] = ["must be one of " +
                string.Join(", ", AuditTrail.EntityTypes.Select(t => $"\"{t}\""))];
        }

        if (!string.IsNullOrEmpty(filter.EntityId) && entityType is null)
        {
            errors["entityId"] = ["needs an entityType"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        var query = db.AuditEntries.AsNoTracking().Where(a => a.OrganizationId == orgId);
        query = before is { } last ? query.Where(a => a.Id < last) : query;
        query = entityType is not null ? query.Where(a => a.EntityType == entityType) : query;
        query = !string.IsNullOrEmpty(filter.EntityId) ? query.Where(a => a.EntityId == filter.EntityId) : query;

        var pageSize = size ?? DefaultPageSize;
        var entries = await query.OrderByDescending(a => a.Id).Take(pageSize + 1).ToListAsync(ct);
        var page = entries.Take(pageSize).Select(Answer).ToList();
        return new AuditPage(page, entries.Count > pageSize ? page[^1].Id : null);
    }

    private static AuditEntryAnswer Answer(AuditEntry e) => new(
        e.Id,
        e.At,
        new AuditActorAnswer(
            JsonNamingPolicy.CamelCase.ConvertName(e.ActorKind.ToString()),
            e.ActorId,
            e.ActorName,
            e.ActorRole),
        JsonNamingPolicy.CamelCase.ConvertName(e.Action.ToString()),
        e.EntityType,
        e.EntityId,
        AuditTrail.ReadChanges(e.Changes),
        e.SourceAddress);
}
