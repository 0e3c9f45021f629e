using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Api;

public static class GroupsApi
{
    public static void MapGroups(this RouteGroupBuilder organization)
    {
        var groups = organization.MapGroup("").WithTags("Groups");
        groups.MapPost("/groups", Create).Allow(CallerRole.Admin)
            .WithName("CreateGroup").WithSummary("Create a group");
        groups.MapGet("/groups", List).Allow(CallerRole.Admin)
            .WithName("ListGroups").WithSummary("List the groups");
        groups.MapGet("/groups/{groupId:long}", Get).Allow(CallerRole.Admin)
            .WithName("GetGroup").WithSummary("Read a group");
        groups.MapPatch("/groups/{groupId:long}", Rename).Allow(CallerRole.Admin)
            .WithName("RenameGroup").WithSummary("Rename a group");
        groups.MapDelete("/groups/{groupId:long}", Delete).Allow(CallerRole.Admin)
            .WithName("DeleteGroup")
            .WithSummary("Delete a group; its numbers become unassigned, its calls and texts stay");
        groups.MapGet("/groups/{groupId:long}/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin)
            .WithName("GetGroupInboundCalls").WithSummary("Read how a group answers inbound calls");
        groups.MapPut("/groups/{groupId:long}/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin)
            .WithName("SetGroupInboundCalls").WithSummary("Set how a group answers inbound calls");
        groups.MapGet("/groups/{groupId:long}/call-options", GetCallOptions).Allow(CallerRole.Admin)
            .WithName("GetGroupCallOptions").WithSummary("Read a group's call options and what applies");
        groups.MapPut("/groups/{groupId:long}/call-options", PutCallOptions).Allow(CallerRole.Admin)
            .WithName("SetGroupCallOptions").WithSummary("Set a group's call options");
        groups.MapGet("/groups/{groupId:long}/members", Members).Allow(CallerRole.Admin)
            .WithName("ListGroupMembers").WithSummary("List the agents who are members of a group");
        groups.MapPut("/groups/{groupId:long}/members/{agentId:long}", AddMember).Allow(CallerRole.Admin)
            .WithName("AddGroupMember").WithSummary("Make an agent a member of a group");
        groups.MapDelete("/groups/{groupId:long}/members/{agentId:long}", RemoveMember).Allow(CallerRole.Admin)
            .WithName("RemoveGroupMember").WithSummary("Remove an agent from a group");
    }

    private static async Task<Results<Created<OwnerAnswer>, ProblemHttpResult>> Create(
        long orgId,
        OwnerName body,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Created(
            await groupsAndInboxes.CreateGroupAsync(orgId, body, ct),
            g => $"/api/v1/organizations/{orgId}/groups/{g.Id}");

    private static async Task<Ok<OwnerAnswer[]>> List(
        long orgId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        TypedResults.Ok(await groupsAndInboxes.GroupsAsync(orgId, ct));

    private static async Task<Results<Ok<OwnerAnswer>, ProblemHttpResult>> Get(
        long orgId,
        long groupId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.GroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(
        long orgId,
        long groupId,
        InboundCallSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.OfGroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupInboundCallsAnswer>, ProblemHttpResult>> PutInboundCalls(
        long orgId, long groupId, InboundCallsRequest body, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetGroupAsync(orgId, groupId, body, ct));

    private static async Task<Results<Ok<GroupCallOptionsAnswer>, ProblemHttpResult>> GetCallOptions(
        long orgId,
        long groupId,
        CallOptionSettings options,
        CancellationToken ct) =>
        AdminAnswers.Ok(await options.OfGroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<GroupCallOptionsAnswer>, ProblemHttpResult>> PutCallOptions(
        long orgId, long groupId, GroupCallOptions body, CallOptionSettings options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.SetGroupAsync(orgId, groupId, body, ct));

    private static async Task<Results<Ok<MemberAnswer[]>, ProblemHttpResult>> Members(
        long orgId,
        long groupId,
        CallOptionSettings options,
        CancellationToken ct) =>
        AdminAnswers.Ok(await options.MembersAsync(orgId, groupId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> AddMember(
        long orgId,
        long groupId,
        long agentId,
        CallOptionSettings options,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await options.AddMemberAsync(orgId, groupId, agentId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        long orgId,
        long groupId,
        long agentId,
        CallOptionSettings options,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await options.RemoveMemberAsync(orgId, groupId, agentId, ct));

    private static async Task<Results<Ok<OwnerAnswer>, ProblemHttpResult>> Rename(
        long orgId,
        long groupId,
        OwnerName body,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.RenameGroupAsync(orgId, groupId, body, ct));

    /// <summary>
    /// Its numbers become unassigned (the answer says how many); its calls and texts stay for reports.
    /// </summary>
    private static async Task<Results<Ok<OwnerDeleted>, ProblemHttpResult>> Delete(
        long orgId,
        long groupId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.DeleteGroupAsync(orgId, groupId, ct));
}
