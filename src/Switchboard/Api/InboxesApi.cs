using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Api;

public static class InboxesApi
{
    public static void MapInboxes(this RouteGroupBuilder organization)
    {
        var inboxes = organization.MapGroup("").WithTags("Inboxes");
        inboxes.MapPost("/inboxes", Create).Allow(CallerRole.Admin)
            .WithName("CreateInbox").WithSummary("Create an inbox");
        inboxes.MapGet("/inboxes", List).Allow(CallerRole.Admin)
            .WithName("ListInboxes").WithSummary("List the inboxes");
        inboxes.MapGet("/inboxes/{inboxId:long}", Get).Allow(CallerRole.Admin)
            .WithName("GetInbox").WithSummary("Read an inbox");
        inboxes.MapPatch("/inboxes/{inboxId:long}", Rename).Allow(CallerRole.Admin)
            .WithName("RenameInbox").WithSummary("Rename an inbox");
        inboxes.MapDelete("/inboxes/{inboxId:long}", Delete).Allow(CallerRole.Admin)
            .WithName("DeleteInbox")
            .WithSummary("Delete an inbox; its numbers become unassigned, its calls and texts stay");
        inboxes.MapGet("/inboxes/{inboxId:long}/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin)
            .WithName("GetInboxInboundCalls").WithSummary("Read how an inbox answers inbound calls");
        inboxes.MapPut("/inboxes/{inboxId:long}/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin)
            .WithName("SetInboxInboundCalls").WithSummary("Set how an inbox answers inbound calls");
        inboxes.MapGet("/inboxes/{inboxId:long}/call-options", GetCallOptions).Allow(CallerRole.Admin)
            .WithName("GetInboxCallOptions").WithSummary("Read an inbox's call options and what applies");
        inboxes.MapPut("/inboxes/{inboxId:long}/call-options", PutCallOptions).Allow(CallerRole.Admin)
            .WithName("SetInboxCallOptions").WithSummary("Set an inbox's call options");
    }

    private static async Task<Results<Created<OwnerAnswer>, ProblemHttpResult>> Create(
        long orgId,
        OwnerName body,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Created(
            await groupsAndInboxes.CreateInboxAsync(orgId, body, ct),
            i => $"/api/v1/organizations/{orgId}/inboxes/{i.Id}");

    private static async Task<Ok<OwnerAnswer[]>> List(
        long orgId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        TypedResults.Ok(await groupsAndInboxes.InboxesAsync(orgId, ct));

    private static async Task<Results<Ok<OwnerAnswer>, ProblemHttpResult>> Get(
        long orgId,
        long inboxId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.InboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> GetInboundCalls(
        long orgId,
        long inboxId,
        InboundCallSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.OfInboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> PutInboundCalls(
        long orgId, long inboxId, InboundCallsRequest body, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetInboxAsync(orgId, inboxId, body, ct));

    private static async Task<Results<Ok<InboxCallOptionsAnswer>, ProblemHttpResult>> GetCallOptions(
        long orgId,
        long inboxId,
        CallOptionSettings options,
        CancellationToken ct) =>
        AdminAnswers.Ok(await options.OfInboxAsync(orgId, inboxId, ct));

    private static async Task<Results<Ok<InboxCallOptionsAnswer>, ProblemHttpResult>> PutCallOptions(
        long orgId, long inboxId, InboxCallOptions body, CallOptionSettings options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.SetInboxAsync(orgId, inboxId, body, ct));

    private static async Task<Results<Ok<OwnerAnswer>, ProblemHttpResult>> Rename(
        long orgId,
        long inboxId,
        OwnerName body,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.RenameInboxAsync(orgId, inboxId, body, ct));

    /// <summary>
    /// Its numbers become unassigned (the answer says how many); its calls and texts stay for reports.
    /// </summary>
    private static async Task<Results<Ok<OwnerDeleted>, ProblemHttpResult>> Delete(
        long orgId,
        long inboxId,
        GroupsAndInboxes groupsAndInboxes,
        CancellationToken ct) =>
        AdminAnswers.Ok(await groupsAndInboxes.DeleteInboxAsync(orgId, inboxId, ct));
}
