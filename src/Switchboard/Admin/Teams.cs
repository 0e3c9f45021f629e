using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Admin;

public sealed record CreateTeam(string? Name);

/// <summary>A group or an inbox: the places a platform number can belong to.</summary>
public sealed record TeamAnswer(long Id, string Name);

/// <summary>The organization's groups and inboxes.</summary>
public sealed class Teams(SwitchboardDb db)
{
    public Task<TeamAnswer[]> GroupsAsync(long orgId, CancellationToken ct) =>
        db.Groups.AsNoTracking().Where(g => g.OrganizationId == orgId).OrderBy(g => g.Id)
            .Select(g => new TeamAnswer(g.Id, g.Name)).ToArrayAsync(ct);

    public Task<TeamAnswer[]> InboxesAsync(long orgId, CancellationToken ct) =>
        db.Inboxes.AsNoTracking().Where(i => i.OrganizationId == orgId).OrderBy(i => i.Id)
            .Select(i => new TeamAnswer(i.Id, i.Name)).ToArrayAsync(ct);

    public async Task<Answer<TeamAnswer>> GroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking().Where(g => g.Id == groupId && g.OrganizationId == orgId)
            .Select(g => new TeamAnswer(g.Id, g.Name)).FirstOrDefaultAsync(ct) is { } group ? group : new Refusal.Missing("group");

    public async Task<Answer<TeamAnswer>> InboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking().Where(i => i.Id == inboxId && i.OrganizationId == orgId)
            .Select(i => new TeamAnswer(i.Id, i.Name)).FirstOrDefaultAsync(ct) is { } inbox ? inbox : new Refusal.Missing("inbox");

    public Task<Answer<TeamAnswer>> CreateGroupAsync(long orgId, CreateTeam request, CancellationToken ct) =>
        CreateAsync(request, name => new Group { OrganizationId = orgId, Name = name }, g => new TeamAnswer(g.Id, g.Name), ct);

    public Task<Answer<TeamAnswer>> CreateInboxAsync(long orgId, CreateTeam request, CancellationToken ct) =>
        CreateAsync(request, name => new Inbox { OrganizationId = orgId, Name = name }, i => new TeamAnswer(i.Id, i.Name), ct);

    private async Task<Answer<TeamAnswer>> CreateAsync<T>(CreateTeam request, Func<string, T> create, Func<T, TeamAnswer> answer, CancellationToken ct)
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
}
