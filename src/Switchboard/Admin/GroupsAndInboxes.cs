using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record OwnerName(string? Name);

/// <summary>A group or an inbox: the places a platform number can belong to.</summary>
public sealed record OwnerAnswer(long Id, string Name);

/// <summary>
/// A deleted group or inbox, and how many of its numbers are now unassigned (they take no calls until given a place).
/// </summary>
public sealed record OwnerDeleted(long Id, string Name, int NumbersUnassigned);

/// <summary>The organization's groups and inboxes.</summary>
public sealed class GroupsAndInboxes(SwitchboardDb db)
{
    public Task<OwnerAnswer[]> GroupsAsync(long orgId, CancellationToken ct) =>
        db.Groups.AsNoTracking().Where(g => g.OrganizationId == orgId).OrderBy(g => g.Id)
            .Select(g => new OwnerAnswer(g.Id, g.Name)).ToArrayAsync(ct);

    public Task<OwnerAnswer[]> InboxesAsync(long orgId, CancellationToken ct) =>
        db.Inboxes.AsNoTracking().Where(i => i.OrganizationId == orgId).OrderBy(i => i.Id)
            .Select(i => new OwnerAnswer(i.Id, i.Name)).ToArrayAsync(ct);

    public async Task<Answer<OwnerAnswer>> GroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking().Where(g => g.Id == groupId && g.OrganizationId == orgId)
            .Select(g => new OwnerAnswer(g.Id, g.Name)).FirstOrDefaultAsync(ct) is { } group
            ? group
            : new Refusal.Missing("group");

    public async Task<Answer<OwnerAnswer>> InboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking().Where(i => i.Id == inboxId && i.OrganizationId == orgId)
            .Select(i => new OwnerAnswer(i.Id, i.Name)).FirstOrDefaultAsync(ct) is { } inbox
            ? inbox
            : new Refusal.Missing("inbox");

    public Task<Answer<OwnerAnswer>> CreateGroupAsync(long orgId, OwnerName request, CancellationToken ct) =>
        CreateAsync(
            request,
            name => new Group { OrganizationId = orgId, Name = name },
            g => new OwnerAnswer(g.Id, g.Name),
            ct);

    public Task<Answer<OwnerAnswer>> CreateInboxAsync(long orgId, OwnerName request, CancellationToken ct) =>
        CreateAsync(
            request,
            name => new Inbox { OrganizationId = orgId, Name = name },
            i => new OwnerAnswer(i.Id, i.Name),
            ct);

    private async Task<Answer<OwnerAnswer>> CreateAsync<T>(
        OwnerName request,
        Func<string, T> create,
        Func<T, OwnerAnswer> answer,
        CancellationToken ct)
        where T : class
    {
        if (Names.Problem(request.Name, 200) is { } problem)
        {
            return Refusal.OnField("name", problem);
        }

        var team = create(request.Name!.Trim());
        db.Add(team);
        await db.SaveChangesAsync(ct);
        return answer(team);
    }

    /// <summary>
    /// How many numbers a group (or, with <paramref name="inbox"/>, an inbox) has: what deleting it would leave
    /// unassigned.
    /// </summary>
    public Task<int> NumbersOfAsync(long orgId, long teamId, bool inbox, CancellationToken ct) =>
        db.Numbers.CountAsync(
            n => n.OrganizationId == orgId && (inbox ? n.InboxId == teamId : n.GroupId == teamId),
            ct);

    public async Task<Answer<OwnerAnswer>> RenameGroupAsync(
        long orgId,
        long groupId,
        OwnerName request,
        CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct);
        return group is null
            ? new Refusal.Missing("group")
            : await RenameAsync(request, name => group.Name = name, () => new OwnerAnswer(group.Id, group.Name), ct);
    }

    public async Task<Answer<OwnerAnswer>> RenameInboxAsync(
        long orgId,
        long inboxId,
        OwnerName request,
        CancellationToken ct)
    {
        var inbox = await db.Inboxes.FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct);
        return inbox is null
            ? new Refusal.Missing("inbox")
            : await RenameAsync(request, name => inbox.Name = name, () => new OwnerAnswer(inbox.Id, inbox.Name), ct);
    }

    /// <summary>
    /// The group, its settings, its members and the routing memory of who last texted whom through it go; its numbers
    /// stay the organization's, unassigned; its calls and texts stay for reports. One save: all of it or nothing.
    /// </summary>
    public async Task<Answer<OwnerDeleted>> DeleteGroupAsync(long orgId, long groupId, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct);
        if (group is null)
        {
            return new Refusal.Missing("group");
        }

        var numbers = await db.Numbers.Where(n => n.OrganizationId == orgId && n.GroupId == groupId).ToListAsync(ct);
        numbers.ForEach(n => n.GroupId = null);
        db.GroupMembers.RemoveRange(await db.GroupMembers.Where(m => m.GroupId == groupId).ToListAsync(ct));
        // Keyed by contact first, the group's rows are found by reading the organization's: a rare, admin-made cost
        // that ingestion and routing do not pay. The agents' rows stay, as the texts themselves do.
        db.ContactTexts.RemoveRange(await db.ContactTexts
            .Where(l => l.OrganizationId == orgId && l.Kind == ContactTextKind.Group && l.OwnerId == groupId)
            .ToListAsync(ct));
        db.Groups.Remove(group);
        await db.SaveChangesAsync(ct);
        return new OwnerDeleted(group.Id, group.Name, numbers.Count);
    }

    /// <summary>
    /// The inbox and its settings go; its numbers stay the organization's, unassigned; its calls stay for reports.
    /// </summary>
    public async Task<Answer<OwnerDeleted>> DeleteInboxAsync(long orgId, long inboxId, CancellationToken ct)
    {
        var inbox = await db.Inboxes.FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct);
        if (inbox is null)
        {
            return new Refusal.Missing("inbox");
        }

        var numbers = await db.Numbers.Where(n => n.OrganizationId == orgId && n.InboxId == inboxId).ToListAsync(ct);
        numbers.ForEach(n => n.InboxId = null);
        db.Inboxes.Remove(inbox);
        await db.SaveChangesAsync(ct);
        return new OwnerDeleted(inbox.Id, inbox.Name, numbers.Count);
    }

    private async Task<Answer<OwnerAnswer>> RenameAsync(
        OwnerName request,
        Action<string> rename,
        Func<OwnerAnswer> answer,
        CancellationToken ct)
    {
        if (Names.Problem(request.Name, 200) is { } problem)
        {
            return Refusal.OnField("name", problem);
        }

        rename(request.Name!.Trim());
        await db.SaveChangesAsync(ct);
        return answer();
    }
}
