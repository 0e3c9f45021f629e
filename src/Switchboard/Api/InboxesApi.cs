using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Api;

public static class InboxesApi
{
    public static void MapInboxes(this RouteGroupBuilder organization)
    {
        organization.MapPost("/inboxes", Create).Allow(CallerRole.Admin);
        organization.MapGet("/inboxes", List).Allow(CallerRole.Admin);
        organization.MapGet("/inboxes/{inboxId:long}", Get).Allow(CallerRole.Admin);
        organization.MapGet("/inboxes/{inboxId:long}/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin);
        organization.MapPut("/inboxes/{inboxId:long}/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<TeamAnswer>, ValidationProblem>> Create(long orgId, CreateTeam body, SwitchboardDb db, CancellationToken ct)
    {
        if (Text.Invalid(body.Name, "name", 200) is { } problem)
        {
            return problem;
        }

        var inbox = new Inbox { OrganizationId = orgId, Name = body.Name!.Trim() };
        db.Inboxes.Add(inbox);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/inboxes/{inbox.Id}", new TeamAnswer(inbox.Id, inbox.Name));
    }

    private static async Task<Ok<TeamAnswer[]>> List(long orgId, SwitchboardDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Inboxes.AsNoTracking().Where(i => i.OrganizationId == orgId).OrderBy(i => i.Id)
            .Select(i => new TeamAnswer(i.Id, i.Name)).ToArrayAsync(ct));

    private static async Task<Results<Ok<TeamAnswer>, ProblemHttpResult>> Get(long orgId, long inboxId, SwitchboardDb db, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking().Where(i => i.Id == inboxId && i.OrganizationId == orgId)
            .Select(i => new TeamAnswer(i.Id, i.Name)).FirstOrDefaultAsync(ct) is { } inbox
            ? TypedResults.Ok(inbox)
            : Problems.NotFound("inbox");

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(long orgId, long inboxId, SwitchboardDb db, CancellationToken ct)
    {
        var inbox = await db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct);
        return inbox is null ? Problems.NotFound("inbox") : TypedResults.Ok(InboundCallSettings.Answer(inbox.InboundMode, inbox.InboundForwardTo));
    }

    private static async Task<Results<Ok<InboundCallsAnswer>, ValidationProblem, ProblemHttpResult>> PutInboundCalls(
        long orgId, long inboxId, InboundCallsRequest body, InboundCallSettings settings, SwitchboardDb db, CancellationToken ct)
    {
        var inbox = await db.Inboxes.FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct);
        if (inbox is null)
        {
            return Problems.NotFound("inbox");
        }

        var (mode, forwardTo, problem) = await settings.ParseAsync(body, InboxMode.Forward, ct);
        if (problem is not null)
        {
            return problem;
        }

        inbox.InboundMode = mode;
        inbox.InboundForwardTo = forwardTo;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(InboundCallSettings.Answer(mode, forwardTo));
    }
}
