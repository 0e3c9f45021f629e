using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Api;

public static class NumbersApi
{
    public static void MapNumbers(this RouteGroupBuilder organization)
    {
        var numbers = organization.MapGroup("").WithTags("Numbers");
        numbers.MapPost("/numbers", Create).Allow(CallerRole.Admin)
            .WithName("AddNumber")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a platform number, owned by a group or an inbox");
        numbers.MapGet("/numbers", List).Allow(CallerRole.Admin)
            .WithName("ListNumbers").WithSummary("List the platform numbers");
        numbers.MapPatch("/numbers/{number}", Assign).Allow(CallerRole.Admin)
            .WithName("AssignNumber").WithSummary("Give a platform number another owner");
        numbers.MapDelete("/numbers/{number}", Delete).Allow(CallerRole.Admin)
            .WithName("RemoveNumber").WithSummary("Remove a platform number");
        numbers.MapPost("/numbers/{number}/check", Check).Allow(CallerRole.Admin)
            .WithName("CheckNumber")
            .WithSummary("Look the number up at the provider: does it send its calls here?");
        numbers.MapPost("/numbers/{number}/connect", Connect).Allow(CallerRole.Admin)
            .WithName("ConnectNumber")
            .WithSummary("Point the number's voice URL and status callback at Switchboard");
    }

    private static async Task<Results<Ok<NumberAnswer>, ProblemHttpResult>> Check(
        long orgId,
        string number,
        NumberDirectory numbers,
        CancellationToken ct) =>
        AdminAnswers.Ok(await numbers.CheckAsync(orgId, number, connect: false, ct));

    private static async Task<Results<Ok<NumberAnswer>, ProblemHttpResult>> Connect(
        long orgId,
        string number,
        NumberDirectory numbers,
        CancellationToken ct) =>
        AdminAnswers.Ok(await numbers.CheckAsync(orgId, number, connect: true, ct));

    private static async Task<Results<Created<NumberAnswer>, ProblemHttpResult>> Create(
        long orgId,
        NumberRequest body,
        NumberDirectory numbers,
        CancellationToken ct) =>
        AdminAnswers.Created(
            await numbers.AddAsync(orgId, body, ct),
            n => $"/api/v1/organizations/{orgId}/numbers/{Uri.EscapeDataString(n.Number)}");

    private static async Task<Ok<NumberAnswer[]>> List(long orgId, NumberDirectory numbers, CancellationToken ct) =>
        TypedResults.Ok(await numbers.ListAsync(orgId, ct));

    /// <summary>Sets the number's owner: a group, an inbox, or (neither given) unassigned.</summary>
    private static async Task<Results<Ok<NumberAnswer>, ProblemHttpResult>> Assign(
        long orgId,
        string number,
        OwnerRequest body,
        NumberDirectory numbers,
        CancellationToken ct) =>
        AdminAnswers.Ok(await numbers.AssignAsync(orgId, number, body, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long orgId,
        string number,
        NumberDirectory numbers,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await numbers.RemoveAsync(orgId, number, ct));
}
