using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record CreateOrganization(string? Name);

public sealed record OrganizationAnswer(long Id, string Name);

public static class OrganizationsApi
{
    private const string Tag = "Organizations and keys";

    public static void MapOrganizations(this IEndpointRouteBuilder app, RouteGroupBuilder organization)
    {
        app.MapPost("/api/v1/organizations", Create).RequireOperator().WithTags(Tag)
            .WithName("CreateOrganization").WithSummary("Create an organization (operator token only)")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        var keys = organization.MapGroup("").WithTags(Tag);
        keys.MapPost("/api-keys", CreateKey).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("CreateApiKey").WithSummary("Issue an API key; its secret is shown only in this answer");
        keys.MapGet("/api-keys", ListKeys).Allow(CallerRole.Admin)
            .WithName("ListApiKeys").WithSummary("List the API keys, without their secrets");
        keys.MapDelete("/api-keys/{keyId:long}", RevokeKey).Allow(CallerRole.Admin)
            .WithName("RevokeApiKey").WithSummary("Revoke an API key at once");
        keys.MapPost("/api-keys/{keyId:long}/rotate", RotateKey).Allow(CallerRole.Admin)
            .WithName("RotateApiKey")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Give an API key a new secret; the old one stops working");
        keys.MapGet("/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin)
            .WithName("GetOrganizationInboundCalls").WithSummary("Read how the organization answers inbound calls");
        keys.MapPut("/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin)
            .WithName("SetOrganizationInboundCalls").WithSummary("Set how the organization answers inbound calls");
        keys.MapGet("/call-options", GetCallOptions).Allow(CallerRole.Admin)
            .WithName("GetOrganizationCallOptions").WithSummary("Read the organization's call options");
        keys.MapPut("/call-options", PutCallOptions).Allow(CallerRole.Admin)
            .WithName("SetOrganizationCallOptions")
            .WithSummary("Set the organization's call options (fallback, message, contact names)");
        keys.MapPost("/panel-users", CreatePanelUser).Allow(CallerRole.Operator, CallerRole.Admin)
            .WithName("CreatePanelUser")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create an agent who can sign in to the admin panel");
        keys.MapPut("/agents/{agentId:long}/panel-password", SetPanelPassword).Allow(CallerRole.Admin)
            .WithName("SetPanelPassword")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Set an agent's panel password");
        // A POST with a JSON body: the contact's number stays out of URLs, proxies' and access logs.
        keys.MapPost("/routing/explain", Explain).Allow(CallerRole.Admin)
            .WithName("ExplainRouting")
            .WithSummary("Explain where a call from a contact to a number would go, step by step");
    }

    private static async Task<Results<Created<OrganizationAnswer>, ValidationProblem>> Create(
        CreateOrganization body,
        SwitchboardDb db,
        TimeProvider clock,
        CancellationToken ct)
    {
        if (Names.Problem(body.Name, 200) is { } problem)
        {
            return Problems.Invalid("name", problem);
        }

        var organization = new Organization { Name = body.Name!.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created(
            $"/api/v1/organizations/{organization.Id}",
            new OrganizationAnswer(organization.Id, organization.Name));
    }

    private static async Task<Results<Created<ApiKeyCreated>, ProblemHttpResult>> CreateKey(
        long orgId,
        CreateApiKey body,
        ApiKeys keys,
        CancellationToken ct) =>
        AdminAnswers.Created(
            await keys.CreateAsync(orgId, body, ct),
            k => $"/api/v1/organizations/{orgId}/api-keys/{k.Id}");

    private static async Task<Ok<ApiKeyAnswer[]>> ListKeys(long orgId, ApiKeys keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(orgId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        long orgId,
        long keyId,
        ApiKeys keys,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await keys.RevokeAsync(orgId, keyId, ct));

    /// <summary>
    /// The same key with a new secret, shown in this answer only; the old secret stops working at once.
    /// </summary>
    private static async Task<Results<Ok<ApiKeyCreated>, ProblemHttpResult>> RotateKey(
        long orgId,
        long keyId,
        ApiKeys keys,
        CancellationToken ct) =>
        AdminAnswers.Ok(await keys.RotateAsync(orgId, keyId, ct));

    private static async Task<Ok<InboundCallsAnswer>> GetInboundCalls(
        long orgId,
        InboundCallSettings settings,
        CancellationToken ct) =>
        TypedResults.Ok(await settings.OfOrganizationAsync(orgId, ct));

    private static async Task<Results<Ok<InboundCallsAnswer>, ProblemHttpResult>> PutInboundCalls(
        long orgId, InboundCallsRequest body, InboundCallSettings settings, CancellationToken ct) =>
        AdminAnswers.Ok(await settings.SetOrganizationAsync(orgId, body, ct));

    private static async Task<Ok<OrganizationCallOptions>> GetCallOptions(
        long orgId,
        CallOptionSettings options,
        CancellationToken ct) =>
        TypedResults.Ok(await options.OfOrganizationAsync(orgId, ct));

    private static async Task<Results<Ok<OrganizationCallOptions>, ProblemHttpResult>> PutCallOptions(
        long orgId, OrganizationCallOptions body, CallOptionSettings options, CancellationToken ct) =>
        AdminAnswers.Ok(await options.SetOrganizationAsync(orgId, body, ct));

    /// <summary>
    /// An agent (by default an admin) with a panel sign-in: how the operator gives an organization its first admin.
    /// </summary>
    private static async Task<Results<Created<PanelUserAnswer>, ProblemHttpResult>> CreatePanelUser(
        long orgId, CreatePanelUser body, HttpContext http, PanelUsers users, CancellationToken ct) =>
        AdminAnswers.Created(
            await users.CreateWithAgentAsync(orgId, body, http.GetCaller(), ct),
            u => $"/api/v1/organizations/{orgId}/agents/{u.Agent.Id}");

    /// <summary>
    /// Gives an agent a panel sign-in with its email, or a new password (which also lifts a lockout).
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetPanelPassword(
        long orgId, long agentId, SetPanelPassword body, PanelUsers users, CancellationToken ct) =>
        AdminAnswers.NoContent(await users.SetPasswordAsync(orgId, agentId, body.Password, ct));

    private static async Task<Results<Ok<RoutingExplanation>, ProblemHttpResult>> Explain(
        long orgId, ExplainRequest body, RoutingExplainer explainer, CancellationToken ct) =>
        AdminAnswers.Ok(await explainer.ExplainAsync(orgId, body, ct));
}
