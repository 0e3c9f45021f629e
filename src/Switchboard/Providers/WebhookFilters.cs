namespace Switchboard.Providers;

/// <summary>How the webhooks' filters (signatures, the answer budget) are added to their endpoints.</summary>
public static class WebhookFilters
{
    /// <summary>
    /// Adds <typeparamref name="TFilter"/>, made once from the app's services (its dependencies are singletons) when
    /// the group's endpoints are built. ASP.NET Core's <c>AddEndpointFilter&lt;TFilter&gt;</c> makes one per request
    /// through a factory it compiles as the endpoints are mapped: ~40 ms of a start, before the first call, for the
    /// webhooks' five filters.
    /// </summary>
    public static RouteGroupBuilder AddFilter<TFilter>(this RouteGroupBuilder group)
        where TFilter : IEndpointFilter
    {
        TFilter? filter = default;
        return group.AddEndpointFilterFactory((context, next) =>
        {
            var made = filter ??= ActivatorUtilities.CreateInstance<TFilter>(context.ApplicationServices);
            return invocation => made.InvokeAsync(invocation, next);
        });
    }
}
