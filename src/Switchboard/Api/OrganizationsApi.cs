using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Authorization;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record CreateOrganization(string? Name);

public sealed record OrganizationAnswer(long Id, string Name);

public sealed record CreateApiKey(string? Name, string? Role, long? AgentId);

public sealed record ApiKeyCreated(long Id, string Key, string Name, string Role, long? AgentId);

public sealed record ApiKeyAnswer(long Id, string Name, string Role, long? AgentId, DateTime CreatedAt, DateTime? RevokedAt);

public static class OrganizationsApi
{
    public static void MapOrganizations(this IEndpointRouteBuilder app, RouteGroupBuilder organization)
    {
        app.MapPost("/api/v1/organizations", Create)
            .RequireAuthorization(policy => policy.RequireAssertion(c => Caller.From(c.User)?.Role == CallerRole.Operator));

        organization.MapPost("/api-keys", CreateKey).Allow(CallerRole.Operator, CallerRole.Admin);
        organization.MapGet("/api-keys", ListKeys).Allow(CallerRole.Admin);
        organization.MapDelete("/api-keys/{keyId:long}", RevokeKey).Allow(CallerRole.Admin);
        organization.MapGet("/inbound-calls", GetInboundCalls).Allow(CallerRole.Admin);
        organization.MapPut("/inbound-calls", PutInboundCalls).Allow(CallerRole.Admin);
    }

    private static async Task<Results<Created<OrganizationAnswer>, ValidationProblem>> Create(CreateOrganization body, SwitchboardDb db, TimeProvider clock, CancellationToken ct)
    {
        if (Text.Invalid(body.Name, "name", 200) is { } problem)
        {
            return problem;
        }

        var organization = new Organization { Name = body.Name!.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{organization.Id}", new OrganizationAnswer(organization.Id, organization.Name));
    }

    private static async Task<Results<Created<ApiKeyCreated>, ValidationProblem>> CreateKey(long orgId, CreateApiKey body, SwitchboardDb db, TimeProvider clock, CancellationToken ct)
    {
        if (Text.Invalid(body.Name, "name", 200) is { } problem)
        {
            return problem;
        }

        if (!EnumNames.TryParse<KeyRole>(body.Role, out var role))
        {
            return Problems.Invalid("role", "must be \"admin\" or \"agent\"");
        }

        if (body.AgentId is null && role == KeyRole.Agent)
        {
            return Problems.Invalid("agentId", "is required for an agent key");
        }

        if (body.AgentId is { } agentId && !await db.Agents.AnyAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct))
        {
            return Problems.Invalid("agentId", $"agent {agentId} does not exist in this organization");
        }

        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            OrganizationId = orgId,
            Name = body.Name!.Trim(),
            Role = role,
            AgentId = body.AgentId,
            SecretHash = ApiKeySecrets.Hash(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var created = new ApiKeyCreated(key.Id, ApiKeySecrets.Format(key.Id, secret), key.Name, EnumNames.Name(role), key.AgentId);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/api-keys/{key.Id}", created);
    }

    private static async Task<Ok<ApiKeyAnswer[]>> ListKeys(long orgId, SwitchboardDb db, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == orgId).OrderBy(k => k.Id).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k => new ApiKeyAnswer(k.Id, k.Name, EnumNames.Name(k.Role), k.AgentId, k.CreatedAt, k.RevokedAt)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(long orgId, long keyId, SwitchboardDb db, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.OrganizationId == orgId, ct);
        if (key is null)
        {
            return Problems.NotFound("API key");
        }

        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<InboundCallsAnswer>> GetInboundCalls(long orgId, SwitchboardDb db, CancellationToken ct)
    {
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        return TypedResults.Ok(InboundCallSettings.Answer(organization.InboundMode, organization.InboundForwardTo));
    }

    private static async Task<Results<Ok<InboundCallsAnswer>, ValidationProblem>> PutInboundCalls(
        long orgId, InboundCallsRequest body, InboundCallSettings settings, SwitchboardDb db, CancellationToken ct)
    {
        var (mode, forwardTo, problem) = await settings.ParseAsync(body, OrganizationMode.Forward, ct);
        if (problem is not null)
        {
            return problem;
        }

        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        organization.InboundMode = mode;
        organization.InboundForwardTo = forwardTo;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(InboundCallSettings.Answer(mode, forwardTo));
    }
}
