using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Audit;
using Switchboard.Authorization;

namespace Switchboard.Api;

public static class AuditApi
{
    /// <summary>Read only: the log has no endpoint that changes or removes an entry.</summary>
    public static void MapAudit(this RouteGroupBuilder organization) =>
        organization.MapGet("/audit", List).Allow(CallerRole.Admin)
            .WithName("ListAuditEntries").WithSummary("List who changed which setting, newest first");

    /// <summary>
    /// Newest first, optionally of one <c>entityType</c> (and <c>entityId</c>); pass <c>before</c> = <c>nextBefore</c>
    /// for the next page.
    /// </summary>
    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(
        long orgId,
        [AsParameters] AuditFilter filter,
        AuditLog log,
        CancellationToken ct) =>
        AdminAnswers.Ok(await log.PageAsync(orgId, filter, ct));
}
