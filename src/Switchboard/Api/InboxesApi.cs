using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

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
        organization.MapGet("/inboxes/{inboxId:long}/call-options", GetCallOptions).Allow(CallerRole.Admin);
        organization.MapPut("/inboxes/{inboxId:long}/call-options", PutCallOptions).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<TeamAnswer>, ProblemHttpResult>> Create(long orgId, CreateTeam body, Teams teams, CancellationToken ct) =>
        AdminAnswers.Created(await teams.CreateInboxAsync(orgId, body, ct), i => $"/api/v1/organizations/{orgId}/inboxes/{i.Id}");

    private static async Task<Ok<TeamAnswer[]>> List(long orgId, Teams teams, CancellationToken ct) =>
        TypedResults.Ok(await teams.InboxesAsync(orgId, ct));

    private static async Task<Results<Ok<TeamAnswer>, ProblemHttpResult>> Get(long orgId, long inboxId, Teams teams, CancellationToken ct) =>
        AdminAnswers.Ok(await teams.InboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(long orgId, long inboxId, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.OfInboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> PutInboundCalls(
        long orgId, long inboxId, InboundCallsRequest body, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetInboxAsync(orgId, inboxId, body, ct));

    private static async Task<Results<Ok<InboxCallOptionsAnswer>, ProblemHttpResult>> GetCallOptions(long orgId, long inboxId, CallOptions options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.OfInboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboxCallOptionsAnswer>, ProblemHttpResult>> PutCallOptions(
        long orgId, long inboxId, InboxCallOptions body, CallOptions options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.SetInboxAsync(orgId, inboxId, body, ct));
}
