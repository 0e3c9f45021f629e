using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Accounts;
using Switchboard.Authorization;

namespace Switchboard.Api;

/// <summary>The organization's own provider account (docs/provider.md, "An account per organization").</summary>
public static class ProviderApi
{
    public static void MapProviderAccount(this RouteGroupBuilder organization)
    {
        var provider = organization.MapGroup("").WithTags("Provider account");
        provider.MapGet("/provider", Get).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("GetProviderAccount")
            .WithSummary("Show the organization's provider and its account, secrets as hints only");
        provider.MapPut("/provider", Set).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("SetProviderAccount")
            .WithSummary(
                "Set the organization's own provider account (the operator, or admins if allowed); " +
                "the provider is not called");
        provider.MapDelete("/provider", Remove).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("RemoveProviderAccount").WithSummary("Return the organization to the global account");
        provider.MapPost("/provider/check", Check).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("CheckProviderAccount")
            .WithSummary("Try the account's credentials at the provider and say what failed");
    }

    private static async Task<Ok<ProviderAccountAnswer>> Get(
        long orgId,
        ProviderAccounts accounts,
        CancellationToken ct) =>
        TypedResults.Ok(await accounts.GetAsync(orgId, ct));

    private static async Task<Results<Ok<ProviderAccountAnswer>, ProblemHttpResult>> Set(
        long orgId, ProviderAccountRequest body, HttpContext http, ProviderAccounts accounts, CancellationToken ct) =>
        AdminAnswers.Ok(await accounts.SetAsync(orgId, body, http.GetCaller(), ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        long orgId, HttpContext http, ProviderAccounts accounts, CancellationToken ct) =>
        AdminAnswers.NoContent(await accounts.RemoveAsync(orgId, http.GetCaller(), ct));

    private static async Task<Ok<ProviderCheckAnswer>> Check(
        long orgId,
        ProviderAccounts accounts,
        CancellationToken ct) =>
        TypedResults.Ok(await accounts.CheckAsync(orgId, ct));
}
