using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record CreateTeam(string? Name);

public sealed record TeamAnswer(long Id, string Name);

public static class GroupsApi
{
    public static void MapGroups(this RouteGroupBuilder organization)
    {
        organization.MapPost("/groups", Create).Allow(CallerRole.Admin);
        organization.MapGet("/groups", List).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}", Get).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin);
        organization.MapPut("/groups/{groupId:long}/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<TeamAnswer>, ValidationProblem>> Create(long orgId, CreateTeam body, SwitchboardDb db, CancellationToken ct)
    {
        if (Text.Invalid(body.Name, "name", 200) is { } problem)
        {
            return problem;
        }

        var group = new Group { OrganizationId = orgId, Name = body.Name!.Trim() };
        db.Groups.Add(group);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/groups/{group.Id}", new TeamAnswer(group.Id, group.Name));
    }

    private static async Task<Ok<TeamAnswer[]>> List(long orgId, SwitchboardDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Groups.AsNoTracking().Where(g => g.OrganizationId == orgId).OrderBy(g => g.Id)
            .Select(g => new TeamAnswer(g.Id, g.Name)).ToArrayAsync(ct));

    private static async Task<Results<Ok<TeamAnswer>, ProblemHttpResult>> Get(long orgId, long groupId, SwitchboardDb db, CancellationToken ct) =>
        await db.Groups.AsNoTracking().Where(g => g.Id == groupId && g.OrganizationId == orgId)
            .Select(g => new TeamAnswer(g.Id, g.Name)).FirstOrDefaultAsync(ct) is { } group
            ? TypedResults.Ok(group)
            : Problems.NotFound("group");

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(long orgId, long groupId, SwitchboardDb db, CancellationToken ct)
    {
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct);
        return group is null ? Problems.NotFound("group") : TypedResults.Ok(await AnswerAsync(group, db, ct));
    }

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ValidationProblem, ProblemHttpResult>> PutInboundCalls(
        long orgId, long groupId, InboundCallsRequest body, InboundCallSettings settings, SwitchboardDb db, CancellationToken ct)
    {
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct);
        if (group is null)
        {
            return Problems.NotFound("group");
        }

        var (mode, forwardTo, problem) = await settings.ParseAsync(body, GroupMode.Forward, ct);
        if (problem is not null)
        {
            return problem;
        }

        group.InboundMode = mode;
        group.InboundForwardTo = forwardTo;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await AnswerAsync(group, db, ct));
    }

    private static async Task<GroupInboundCallsAnswer> AnswerAsync(Group group, SwitchboardDb db, CancellationToken ct)
    {
        var effective = InboundCallSettings.Answer(group.InboundMode, group.InboundForwardTo);
        if (group.InboundMode == GroupMode.FollowOrganization)
        {
            var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == group.OrganizationId, ct);
            effective = InboundCallSettings.Answer(organization.InboundMode, organization.InboundForwardTo);
        }

        return new GroupInboundCallsAnswer(EnumNames.Name(group.InboundMode), group.InboundForwardTo, effective);
    }
}
