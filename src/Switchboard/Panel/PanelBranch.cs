namespace Switchboard.Panel;

/// <summary>
/// The panel's Razor Pages on a pipeline branch of their own, built on the first request under <c>/panel</c> rather
/// than at start: finding the pages and their models took ~0.2 s of a cold start's ~2 s of CPU, which a call's
/// webhook, the first request an instance usually gets, should not wait for. The first page asked for after a start
/// takes that time instead.
/// </summary>
public sealed class PanelBranch(IServiceProvider services)
{
    private readonly Lazy<(RequestDelegate Serve, EndpointDataSource Pages)> _branch = new(() => Build(services));

    /// <summary>
    /// Routes a request to its page; a path no page has gets a 404, which the panel's status page shows.
    /// </summary>
    public Task ServeAsync(HttpContext http) => _branch.Value.Serve(http);

    /// <summary>The pages as the branch routes them (builds the branch when no request has yet).</summary>
    public IReadOnlyList<Endpoint> Endpoints => _branch.Value.Pages.Endpoints;

    private static (RequestDelegate, EndpointDataSource) Build(IServiceProvider services)
    {
        // A builder of its own, not the app's: under a WebApplication, routing on a branch of the app's builder would
        // add the pages to the app's own endpoints.
        var branch = new ApplicationBuilder(services);
        IEndpointRouteBuilder? routes = null;
        branch.UseRouting();
        branch.UseAuthorization();
        branch.UseEndpoints(endpoints =>
        {
            endpoints.MapRazorPages();
            routes = endpoints;
        });
        return (branch.Build(), new CompositeEndpointDataSource(routes!.DataSources));
    }
}
