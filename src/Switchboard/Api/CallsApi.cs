using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Calls;

namespace Switchboard.Api;

public static class CallsApi
{
    public static void MapCalls(this RouteGroupBuilder organization)
    {
        var calls = organization.MapGroup("").WithTags("Calls");
        calls.MapGet("/calls", List).Allow(CallerRole.Admin, CallerRole.Agent)
            .WithName("ListCalls").WithSummary("List calls, newest first (an agent key sees its own)");
        calls.MapGet("/calls/{callId:long}", Get).Allow(CallerRole.Admin, CallerRole.Agent)
            .WithName("GetCall").WithSummary("Read a call and its steps");
        calls.MapPost("/calls", Start).Allow(CallerRole.Admin, CallerRole.Agent)
            .WithName("StartCall")
            .WithSummary("Call a contact: the agent's phone rings first, then the contact's, both masked")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
    }

    /// <summary>
    /// Newest first, filtered by <c>from</c>/<c>to</c> (UTC days), <c>groupId</c>, <c>inboxId</c> and <c>decision</c>.
    /// </summary>
    private static async Task<Results<Ok<CallPage>, ProblemHttpResult>> List(
        long orgId,
        [AsParameters] CallLogFilter filter,
        HttpContext http,
        CallLog log,
        CancellationToken ct) =>
        AdminAnswers.Ok(await log.PageAsync(orgId, filter, http.GetCaller(), ct));

    private static async Task<Results<Ok<CallLogEntry>, ProblemHttpResult>> Get(
        long orgId,
        long callId,
        HttpContext http,
        CallLog log,
        CancellationToken ct) =>
        AdminAnswers.Ok(await log.GetAsync(orgId, callId, http.GetCaller(), ct));

    /// <summary>
    /// An outbound masked call: the agent's phone rings (showing the number that last texted the contact); when the
    /// agent presses 1 the contact's rings, showing the same number. 201 once the provider rings the agent.
    /// </summary>
    private static async Task<Results<Created<CallLogEntry>, ProblemHttpResult>> Start(
        long orgId,
        StartCall body,
        HttpContext http,
        OutboundCalls calls,
        CancellationToken ct) =>
        AdminAnswers.Created(
            await calls.StartAsync(orgId, body, http.GetCaller(), ct),
            c => $"/api/v1/organizations/{orgId}/calls/{c.Id}");
}
