using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Reads the facts for one call in at most three indexed point lookups, however long the history. The
/// queries are compiled once: on the hot path, building LINQ expressions costs more than running them.
/// </summary>
public sealed class RoutingFactsReader(SwitchboardDb db)
{
    private sealed record OwnedNumber(long OrganizationId, long? GroupId, long? InboxId);

    private sealed record GroupSettings(long Id, string Name, GroupMode Mode, string? ForwardTo, OrganizationMode OrgMode, string? OrgForwardTo);

    private static readonly Func<SwitchboardDb, string, CancellationToken, Task<OwnedNumber?>> NumberQuery =
        EF.CompileAsyncQuery((SwitchboardDb db, string number, CancellationToken ct) =>
            db.Numbers.AsNoTracking().Where(n => n.Number == number)
                .Select(n => new OwnedNumber(n.OrganizationId, n.GroupId, n.InboxId)).FirstOrDefault());

    private static readonly Func<SwitchboardDb, long, CancellationToken, Task<InboxFacts?>> InboxQuery =
        EF.CompileAsyncQuery((SwitchboardDb db, long inboxId, CancellationToken ct) =>
            db.Inboxes.AsNoTracking().Where(i => i.Id == inboxId)
                .Select(i => new InboxFacts { InboxId = i.Id, Name = i.Name, Mode = i.InboundMode, ForwardTo = i.InboundForwardTo }).FirstOrDefault());

    private static readonly Func<SwitchboardDb, long, CancellationToken, Task<GroupSettings?>> GroupQuery =
        EF.CompileAsyncQuery((SwitchboardDb db, long groupId, CancellationToken ct) =>
            (from g in db.Groups.AsNoTracking()
             join o in db.Organizations.AsNoTracking() on g.OrganizationId equals o.Id
             where g.Id == groupId
             select new GroupSettings(g.Id, g.Name, g.InboundMode, g.InboundForwardTo, o.InboundMode, o.InboundForwardTo)).FirstOrDefault());

    private static readonly Func<SwitchboardDb, long, string, CancellationToken, Task<LastTexterFacts?>> LastTexterQuery =
        EF.CompileAsyncQuery((SwitchboardDb db, long groupId, string caller, CancellationToken ct) =>
            (from l in db.LastTexts.AsNoTracking()
             where l.GroupId == groupId && l.Contact == caller
             join a in db.Agents.AsNoTracking() on l.AgentId equals a.Id into agents
             from a in agents.DefaultIfEmpty()
             select new LastTexterFacts
             {
                 AgentId = l.AgentId,
                 SentAt = l.SentAt,
                 State = a == null || a.DeletedAt != null ? AgentState.Deleted : a.Active ? AgentState.Active : AgentState.Inactive,
                 Phone = a == null ? null : a.Phone,
             }).FirstOrDefault());

    public async Task<RoutingFacts> ReadAsync(string? number, string? caller, CancellationToken ct)
    {
        var owned = number is null ? null : await NumberQuery(db, number, ct);
        if (owned is null || number is null)
        {
            return new RoutingFacts { Caller = caller, Number = null };
        }

        OwnerFacts? owner = null;
        if (owned.InboxId is { } inboxId)
        {
            owner = await InboxQuery(db, inboxId, ct);
        }
        else if (owned.GroupId is { } groupId)
        {
            owner = await ReadGroupAsync(groupId, caller, ct);
        }

        return new RoutingFacts
        {
            Caller = caller,
            Number = new NumberFacts { Number = number, OrganizationId = owned.OrganizationId, Owner = owner },
        };
    }

    private async Task<GroupFacts?> ReadGroupAsync(long groupId, string? caller, CancellationToken ct)
    {
        if (await GroupQuery(db, groupId, ct) is not { } group)
        {
            return null;
        }

        return new GroupFacts
        {
            GroupId = group.Id,
            Name = group.Name,
            Mode = group.Mode,
            ForwardTo = group.ForwardTo,
            OrganizationMode = group.OrgMode,
            OrganizationForwardTo = group.OrgForwardTo,
            LastTexter = caller is null ? null : await LastTexterQuery(db, groupId, caller, ct),
        };
    }
}
