using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Kernel;
using Switchboard.Authorization;
using Switchboard.Privacy;

namespace Switchboard.Api;

public static class PrivacyApi
{
    public static void MapPrivacy(this RouteGroupBuilder organization)
    {
        var privacy = organization.MapGroup("").WithTags("Privacy");
        privacy.MapGet("/privacy", Get).Allow(CallerRole.Admin)
            .WithName("GetPrivacy").WithSummary("Read how long the organization's calls and texts are kept");
        privacy.MapPut("/privacy", Put).Allow(CallerRole.Admin)
            .WithName("SetPrivacy").WithSummary("Set how long the organization's calls and texts are kept");
        // The one API path that carries a contact's number: it names the number being forgotten (docs/privacy.md).
        privacy.MapDelete("/contacts/{number}", Forget).Allow(CallerRole.Admin)
            .WithName("ForgetContact").WithSummary("Erase everything Switchboard holds about a contact's number");
    }

    private static async Task<Ok<PrivacyAnswer>> Get(long orgId, PrivacySettings settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.GetAsync(orgId, ct));

    private static async Task<Results<Ok<PrivacyAnswer>, ProblemHttpResult>> Put(
        long orgId,
        PrivacyRequest body,
        PrivacySettings settings,
        CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetAsync(orgId, body, ct));

    /// <summary>Forgets the contact within this organization and answers how much of each kind was forgotten.</summary>
    private static async Task<Results<Ok<ContactForgotten>, ProblemHttpResult>> Forget(
        long orgId,
        string number,
        ContactErasure erasure,
        CancellationToken ct) =>
        AdminAnswers.Ok(await erasure.ForgetAsync(orgId, number, ct));
}
