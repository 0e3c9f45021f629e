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
    }

    private static async Task<Ok<CallEventsAnswer>> Get(long orgId, CallEventSettings settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.GetAsync(orgId, ct));

    /// <summary>Sets the URL; a secret made here is in this answer only.</summary>
    private static async Task<Results<Ok<CallEventsAnswer>, ProblemHttpResult>> Put(long orgId, CallEventsRequest body, CallEventSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetAsync(orgId, body, ct));

    private static async Task<NoContent> TurnOff(long orgId, CallEventSettings settings, CancellationToken ct)
    {
        await settings.TurnOffAsync(orgId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> Deliveries(long orgId, string? before, CallEventSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.DeliveriesAsync(orgId, before, ct));
}
