using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Admin;
using Switchboard.Authorization;

namespace Switchboard.Api;

/// <summary>
/// Opening hours of the organization, groups and inboxes (docs/hours.md), and blocked callers (docs/routing.md B5).
/// </summary>
public static class HoursAndBlockingApi
{
    public static void MapHoursAndBlocking(this RouteGroupBuilder organization)
    {
        var hours = organization.MapGroup("").WithTags("Hours");
        hours.MapGet("/hours", GetOrganizationHours).Allow(CallerRole.Admin)
            .WithName("GetOrganizationHours").WithSummary("Read the organization's opening hours");
        hours.MapPut("/hours", PutOrganizationHours).Allow(CallerRole.Admin)
            .WithName("SetOrganizationHours").WithSummary("Set the organization's opening hours and after-hours");
        hours.MapDelete("/hours", DeleteOrganizationHours).Allow(CallerRole.Admin)
            .WithName("ClearOrganizationHours").WithSummary("Remove the organization's hours: always open");
        hours.MapGet("/groups/{groupId:long}/hours", GetGroupHours).Allow(CallerRole.Admin)
            .WithName("GetGroupHours").WithSummary("Read a group's hours and those its calls get");
        hours.MapPut("/groups/{groupId:long}/hours", PutGroupHours).Allow(CallerRole.Admin)
            .WithName("SetGroupHours").WithSummary("Set a group's own hours, or follow the organization's");
        hours.MapGet("/inboxes/{inboxId:long}/hours", GetInboxHours).Allow(CallerRole.Admin)
            .WithName("GetInboxHours").WithSummary("Read an inbox's hours and those its calls get");
        hours.MapPut("/inboxes/{inboxId:long}/hours", PutInboxHours).Allow(CallerRole.Admin)
            .WithName("SetInboxHours").WithSummary("Set an inbox's own hours, or follow the organization's");

        var blocking = organization.MapGroup("").WithTags("Blocked callers");
        blocking.MapGet("/blocked-callers", ListBlocked).Allow(CallerRole.Admin)
            .WithName("ListBlockedCallers").WithSummary("List the numbers whose calls are rejected");
        blocking.MapPut("/blocked-callers/{number}", Block).Allow(CallerRole.Admin)
            .WithName("BlockCaller").WithSummary("Reject every call from a number");
        blocking.MapDelete("/blocked-callers/{number}", Unblock).Allow(CallerRole.Admin)
            .WithName("UnblockCaller").WithSummary("Take calls from a blocked number again");
        blocking.MapPost("/calls/{callId:long}/block-caller", BlockCallerOf)
            .Allow(CallerRole.Admin, CallerRole.Agent)
            .WithName("BlockCallerOfCall")
            .WithSummary("Block the caller of a call without seeing the number (agents: calls offered to them)");
    }

    private static async Task<Ok<OrganizationHoursAnswer>> GetOrganizationHours(
        long orgId,
        HoursSettings hours,
        CancellationToken ct) =>
        TypedResults.Ok(await hours.OfOrganizationAsync(orgId, ct));

    private static async Task<Results<Ok<OrganizationHoursAnswer>, ProblemHttpResult>> PutOrganizationHours(
        long orgId, HoursBody body, HoursSettings hours, CancellationToken ct) =>
        AdminAnswers.Ok(await hours.SetOrganizationAsync(orgId, body, ct));

    /// <summary>No hours: always open again (today's behaviour before any hours were set).</summary>
    private static async Task<NoContent> DeleteOrganizationHours(long orgId, HoursSettings hours, CancellationToken ct)
    {
        await hours.ClearOrganizationAsync(orgId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<OwnerHoursAnswer>, ProblemHttpResult>> GetGroupHours(
        long orgId,
        long groupId,
        HoursSettings hours,
        CancellationToken ct) =>
        AdminAnswers.Ok(await hours.OfGroupAsync(orgId, groupId, ct));

    private static async Task<Results<Ok<OwnerHoursAnswer>, ProblemHttpResult>> PutGroupHours(
        long orgId, long groupId, OwnerHoursBody body, HoursSettings hours, CancellationToken ct) =>
        AdminAnswers.Ok(await hours.SetGroupAsync(orgId, groupId, body, ct));

    private static async Task<Results<Ok<OwnerHoursAnswer>, ProblemHttpResult>> GetInboxHours(
        long orgId,
        long inboxId,
        HoursSettings hours,
        CancellationToken ct) =>
        AdminAnswers.Ok(await hours.OfInboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<OwnerHoursAnswer>, ProblemHttpResult>> PutInboxHours(
        long orgId, long inboxId, OwnerHoursBody body, HoursSettings hours, CancellationToken ct) =>
        AdminAnswers.Ok(await hours.SetInboxAsync(orgId, inboxId, body, ct));

    private static async Task<Ok<BlockedCallerAnswer[]>> ListBlocked(
        long orgId,
        BlockedCallers blocked,
        CancellationToken ct) =>
        TypedResults.Ok(await blocked.ListAsync(orgId, ct));

    private static async Task<Results<Ok<BlockedCallerAnswer>, ProblemHttpResult>> Block(
        long orgId,
        string number,
        BlockedCallers blocked,
        CancellationToken ct) =>
        AdminAnswers.Ok(await blocked.BlockAsync(orgId, number, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Unblock(
        long orgId,
        string number,
        BlockedCallers blocked,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await blocked.UnblockAsync(orgId, number, ct));

    /// <summary>Blocks the caller of a call the agent was offered; the answer never shows the number.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> BlockCallerOf(
        long orgId,
        long callId,
        HttpContext http,
        BlockedCallers blocked,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await blocked.BlockCallerOfAsync(orgId, callId, http.GetCaller(), ct));
}
