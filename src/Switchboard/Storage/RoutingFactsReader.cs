using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>Reads the facts for one call in at most three indexed point lookups, however long the history.</summary>
public sealed class RoutingFactsReader(SwitchboardDb db)
{
    public async Task<RoutingFacts> ReadAsync(string? number, string? caller, CancellationToken ct)
    {
        var owned = number is null ? null : await db.Numbers.AsNoTracking()
            .Where(n => n.Number == number)
            .Select(n => new { n.OrganizationId, n.GroupId, n.InboxId })
            .FirstOrDefaultAsync(ct);
        if (owned is null || number is null)
        {
            return new RoutingFacts { Caller = caller, Number = null };
        }

        OwnerFacts? owner = null;
        if (owned.InboxId is { } inboxId)
        {
            owner = await db.Inboxes.AsNoTracking()
                .Where(i => i.Id == inboxId)
                .Select(i => new InboxFacts { InboxId = i.Id, Name = i.Name, Mode = i.InboundMode, ForwardTo = i.InboundForwardTo })
                .FirstOrDefaultAsync(ct);
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
        var group = await (
            from g in db.Groups.AsNoTracking()
            join o in db.Organizations.AsNoTracking() on g.OrganizationId equals o.Id
            where g.Id == groupId
            select new { g.Id, g.Name, g.InboundMode, g.InboundForwardTo, OrgMode = o.InboundMode, OrgForwardTo = o.InboundForwardTo }
        ).FirstOrDefaultAsync(ct);
        if (group is null)
        {
            return null;
        }

        var lastTexter = caller is null ? null : await (
            from l in db.LastTexts.AsNoTracking()
            where l.GroupId == groupId && l.Contact == caller
            join a in db.Agents.AsNoTracking() on l.AgentId equals a.Id into agents
            from a in agents.DefaultIfEmpty()
            select new LastTexterFacts
            {
                AgentId = l.AgentId,
                SentAt = l.SentAt,
                State = a == null || a.DeletedAt != null ? AgentState.Deleted : a.Active ? AgentState.Active : AgentState.Inactive,
                Phone = a == null ? null : a.Phone,
            }
        ).FirstOrDefaultAsync(ct);

        return new GroupFacts
        {
            GroupId = group.Id,
            Name = group.Name,
            Mode = group.InboundMode,
            ForwardTo = group.InboundForwardTo,
            OrganizationMode = group.OrgMode,
            OrganizationForwardTo = group.OrgForwardTo,
            LastTexter = lastTexter,
        };
    }
}
