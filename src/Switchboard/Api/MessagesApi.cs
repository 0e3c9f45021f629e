using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Kernel;
using Switchboard.Messages;

namespace Switchboard.Api;

public static class MessagesApi
{
    public static void MapMessages(this RouteGroupBuilder organization) =>
        organization.MapPost("/messages", Ingest).Allow(CallerRole.Admin)
            .WithName("IngestMessages")
            .WithSummary("Record which agent texted which contact from which number, in batches");

    /// <summary>
    /// Records a batch of message events (<see cref="MessageIntake"/>): all of it, or nothing and why.
    /// </summary>
    private static async Task<Results<Ok<MessagesAccepted>, ValidationProblem>> Ingest(
        long orgId, MessageBatch body, MessageIntake intake, CancellationToken ct)
    {
        var answer = await intake.AcceptAsync(orgId, body, ct);
        // The intake refuses only with field errors: a batch is about its items, never about a missing resource.
        return answer.Done
            ? TypedResults.Ok(answer.Value!)
            : Problems.Invalid(((Refusal.Invalid)answer.Refusal).Errors.ToDictionary());
    }
}
