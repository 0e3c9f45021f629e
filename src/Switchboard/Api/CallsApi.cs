using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Calls;

namespace Switchboard.Api;

public static class CallsApi
{
    public static void MapCalls(this RouteGroupBuilder organization) =>
        organization.MapGet("/calls", List).Allow(CallerRole.Admin, CallerRole.Agent);

    /// <summary>Newest first, filtered by <c>from</c>/<c>to</c> (UTC days), <c>groupId</c>, <c>inboxId</c> and <c>decision</c>.</summary>
    private static async Task<Results<Ok<CallPage>, ProblemHttpResult>> List(long orgId, [AsParameters] CallLogFilter filter, HttpContext http, CallLog log, CancellationToken ct) =>
        AdminAnswers.Ok(await log.PageAsync(orgId, filter, http.GetCaller(), ct));
}
