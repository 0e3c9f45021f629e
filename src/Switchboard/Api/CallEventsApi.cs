using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Events;

namespace Switchboard.Api;

public static class CallEventsApi
{
    public static void MapCallEvents(this RouteGroupBuilder organization)
    {
        var callEvents = organization.MapGroup("").WithTags("Call events");
        callEvents.MapGet("/call-events", Get).Allow(CallerRole.Admin)
            .WithName("GetCallEvents").WithSummary("Read where call events are sent");
        callEvents.MapPut("/call-events", Put).Allow(CallerRole.Admin)
            .WithName("SetCallEvents").WithSummary("Send call events to a URL, signed with a secret");
        callEvents.MapDelete("/call-events", TurnOff).Allow(CallerRole.Admin)
            .WithName("TurnOffCallEvents").WithSummary("Stop sending call events");
        callEvents.MapGet("/call-events/deliveries", Deliveries).Allow(CallerRole.Admin)
            .WithName("ListCallEventDeliveries").WithSummary("List recent deliveries of call events and their answers");
        callEvents.MapPost("/call-events/deliveries/{id:guid}/resend", Resend).Allow(CallerRole.Admin)
            .WithName("ResendCallEvent").WithSummary("Send a delivered or failed event again, with the same id");
        callEvents.MapPost("/call-events/replay", Replay).Allow(CallerRole.Admin)
            .WithName("ReplayCallEvents").WithSummary("Queue again every event raised in a range of at most 31 days");
    }

    private static async Task<Ok<CallEventsAnswer>> Get(long orgId, CallEventSettings settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.GetAsync(orgId, ct));

    /// <summary>Sets the URL; a secret made here is in this answer only.</summary>
    private static async Task<Results<Ok<CallEventsAnswer>, ProblemHttpResult>> Put(
        long orgId,
        CallEventsRequest body,
        CallEventSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetAsync(orgId, body, ct));

    private static async Task<NoContent> TurnOff(long orgId, CallEventSettings settings, CancellationToken ct)
    {
        await settings.TurnOffAsync(orgId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> Deliveries(
        long orgId,
        string? before,
        CallEventSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.DeliveriesAsync(orgId, before, ct));

    /// <summary>A delivered or failed event, sent again with the same id.</summary>
    private static async Task<Results<Ok<CallEventDelivery>, ProblemHttpResult>> Resend(
        long orgId,
        Guid id,
        CallEventSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.ResendAsync(orgId, id, ct));

    /// <summary>Every event raised in <c>[from, to)</c>, at most 31 days, queued again.</summary>
    private static async Task<Results<Ok<CallEventReplayAnswer>, ProblemHttpResult>> Replay(
        long orgId,
        CallEventReplayRequest body,
        CallEventSettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.ReplayAsync(orgId, body, ct));
}
