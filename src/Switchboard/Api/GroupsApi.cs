using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Api;

public static class GroupsApi
{
    public static void MapGroups(this RouteGroupBuilder organization)
    {
        organization.MapPost("/groups", Create).Allow(CallerRole.Admin);
        organization.MapGet("/groups", List).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}", Get).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin);
        organization.MapPut("/groups/{groupId:long}/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}/call-options", GetCallOptions).Allow(CallerRole.Admin);
        organization.MapPut("/groups/{groupId:long}/call-options", PutCallOptions).Allow(CallerRole.Admin);
        organization.MapGet("/groups/{groupId:long}/members", Members).Allow(CallerRole.Admin);
        organization.MapPut("/groups/{groupId:long}/members/{agentId:long}", AddMember).Allow(CallerRole.Admin);
        organization.MapDelete("/groups/{groupId:long}/members/{agentId:long}", RemoveMember).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<TeamAnswer>, ProblemHttpResult>> Create(long orgId, CreateTeam body, Teams teams, CancellationToken ct) =>
        AdminAnswers.Created(await teams.CreateGroupAsync(orgId, body, ct), g => $"/api/v1/organizations/{orgId}/groups/{g.Id}");

    private static async Task<Ok<TeamAnswer[]>> List(long orgId, Teams teams, CancellationToken ct) =>
        TypedResults.Ok(await teams.GroupsAsync(orgId, ct));

    private static async Task<Results<Ok<TeamAnswer>, ProblemHttpResult>> Get(long orgId, long groupId, Teams teams, CancellationToken ct) =>
        AdminAnswers.Ok(await teams.GroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(long orgId, long groupId, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.OfGroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ProblemHttpResult>> PutInboundCalls(
        long orgId, long groupId, InboundCallsRequest body, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetGroupAsync(orgId, groupId, body, ct));

    private static async Task<Results<Ok<GroupCallOptionsAnswer>, ProblemHttpResult>> GetCallOptions(long orgId, long groupId, CallOptions options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.OfGroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupCallOptionsAnswer>, ProblemHttpResult>> PutCallOptions(
        long orgId, long groupId, GroupCallOptions body, CallOptions options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.SetGroupAsync(orgId, groupId, body, ct));

    private static async Task<Results<Ok<MemberAnswer[]>, ProblemHttpResult>> Members(long orgId, long groupId, CallOptions options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.MembersAsync(orgId, groupId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> AddMember(long orgId, long groupId, long agentId, CallOptions options, CancellationToken ct) =>
        AdminAnswers.NoContent(await options.AddMemberAsync(orgId, groupId, agentId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(long orgId, long groupId, long agentId, CallOptions options, CancellationToken ct) =>
        AdminAnswers.NoContent(await options.RemoveMemberAsync(orgId, groupId, agentId, ct));
}
