using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Authorization;

/// <summary>The roles an endpoint under an organization admits; an endpoint without it admits nobody.</summary>
public sealed record AllowedRoles(IReadOnlySet<CallerRole> Roles);

/// <summary>Marks the endpoints under <c>/organizations/{orgId}</c>.</summary>
public sealed record OrganizationScoped;

/// <summary>
/// Guards everything under <c>/organizations/{orgId}</c>: a key of another organization gets 404, so the
/// existence of this one does not leak; a key of this organization without the endpoint's role gets 403.
/// It runs as middleware, before the endpoint reads its body, so a stranger learns nothing from how a
/// body is judged either.
/// </summary>
public static class OrganizationScope
{
    public static RouteGroupBuilder MapOrganizationScope(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/organizations/{orgId:long}")
            .RequireAuthorization()
            .WithMetadata(new OrganizationScoped())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

    public static RouteHandlerBuilder Allow(this RouteHandlerBuilder endpoint, params CallerRole[] roles) =>
        endpoint.WithMetadata(new AllowedRoles(roles.ToHashSet()));

    /// <summary>Only the platform operator's token; an organization's keys get 403.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(policy =>
            policy.RequireAssertion(c => Caller.From(c.User)?.Role == CallerRole.Operator));

    public static Caller GetCaller(this HttpContext http) =>
        Caller.From(http.User) ?? throw new InvalidOperationException("The endpoint requires an authenticated caller");

    /// <summary>Goes after authentication and authorization, so the caller is known.</summary>
    public static IApplicationBuilder UseOrganizationScope(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var endpoint = http.GetEndpoint();
            if (endpoint?.Metadata.GetMetadata<OrganizationScoped>() is null)
            {
                await next(http);
                return;
            }

            if (await RefusalAsync(http, endpoint) is { } refusal)
            {
                await refusal.ExecuteAsync(http);
                return;
            }

            await next(http);
        });

    private static async Task<IResult?> RefusalAsync(HttpContext http, Endpoint endpoint)
    {
        var caller = http.GetCaller();
        if (!long.TryParse(http.GetRouteValue("orgId")?.ToString(), out var orgId))
        {
            return Problems.NotFound("organization");
        }

        var visible = caller.Role == CallerRole.Operator
            ? await http.RequestServices.GetRequiredService<SwitchboardDb>()
                .Organizations.AnyAsync(o => o.Id == orgId, http.RequestAborted)
            : caller.OrganizationId == orgId;
        if (!visible)
        {
            return Problems.NotFound("organization");
        }

        var allowed = endpoint.Metadata.GetMetadata<AllowedRoles>();
        if (allowed is null || !allowed.Roles.Contains(caller.Role))
        {
            return Problems.Forbidden($"A {caller.Role.ToString().ToLowerInvariant()} key may not do this.");
        }

        return null;
    }
}
