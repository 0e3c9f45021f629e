using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Authorization;

/// <summary>The roles an endpoint under an organization admits; an endpoint without it admits nobody.</summary>
public sealed record AllowedRoles(IReadOnlySet<CallerRole> Roles);

/// <summary>
/// Guards everything under <c>/organizations/{orgId}</c>: a key of another organization gets 404, so the
/// existence of this one does not leak; a key of this organization without the endpoint's role gets 403.
/// </summary>
public static class OrganizationScope
{
    public static RouteGroupBuilder MapOrganizationScope(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/organizations/{orgId:long}")
            .RequireAuthorization()
            .AddEndpointFilter(CheckAccess);

    public static RouteHandlerBuilder Allow(this RouteHandlerBuilder endpoint, params CallerRole[] roles) =>
        endpoint.WithMetadata(new AllowedRoles(roles.ToHashSet()));

    public static Caller GetCaller(this HttpContext http) =>
        Caller.From(http.User) ?? throw new InvalidOperationException("The endpoint requires an authenticated caller");

    private static async ValueTask<object?> CheckAccess(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = http.GetCaller();
        if (!long.TryParse(http.GetRouteValue("orgId")?.ToString(), out var orgId))
        {
            return Problems.NotFound("organization");
        }

        var visible = caller.Role == CallerRole.Operator
            ? await http.RequestServices.GetRequiredService<SwitchboardDb>().Organizations.AnyAsync(o => o.Id == orgId, http.RequestAborted)
            : caller.OrganizationId == orgId;
        if (!visible)
        {
            return Problems.NotFound("organization");
        }

        var allowed = http.GetEndpoint()?.Metadata.GetMetadata<AllowedRoles>();
        if (allowed is null || !allowed.Roles.Contains(caller.Role))
        {
            return Problems.Forbidden($"A {caller.Role.ToString().ToLowerInvariant()} key may not do this.");
        }

        return await next(context);
    }
}
