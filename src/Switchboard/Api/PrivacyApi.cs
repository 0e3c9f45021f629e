using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Kernel;
using Switchboard.Authorization;
using Switchboard.Privacy;

namespace Switchboard.Api;

public static class PrivacyApi
{
    public static void MapPrivacy(this RouteGroupBuilder organization)
    {
        organization.MapGet("/privacy", Get).Allow(CallerRole.Admin);
        organization.MapPut("/privacy", Put).Allow(CallerRole.Admin);
        // The one API path that carries a contact's number: it names the number being forgotten (docs/privacy.md).
        organization.MapDelete("/contacts/{number}", Forget).Allow(CallerRole.Admin);
    }

    private static async Task<Ok<PrivacyAnswer>> Get(long orgId, PrivacySettings settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.GetAsync(orgId, ct));

    private static async Task<Results<Ok<PrivacyAnswer>, ProblemHttpResult>> Put(long orgId, PrivacyRequest body, PrivacySettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetAsync(orgId, body, ct));

    /// <summary>Forgets the contact within this organization and answers how much of each kind was forgotten.</summary>
    private static async Task<Results<Ok<ContactForgotten>, ProblemHttpResult>> Forget(long orgId, string number, ContactErasure erasure, CancellationToken ct) =>
        AdminAnswers.Ok(await erasure.ForgetAsync(orgId, number, ct));
}
