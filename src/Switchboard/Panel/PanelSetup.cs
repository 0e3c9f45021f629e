using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Switchboard.Authorization;

namespace Switchboard.Panel;

/// <summary>
/// The admin panel: server-rendered Razor Pages under <c>/panel</c>, signed in with a cookie of its own (never
/// accepted by the API, which takes bearer tokens only). Pages under <c>Manage/</c> are for admins; an agent
/// gets the 403 page there.
/// </summary>
public static class PanelSetup
{
    public const string Scheme = "Panel";
    public const string Path = "/panel";
    private const string UserPolicy = "PanelUser";
    private const string AdminPolicy = "PanelAdmin";

    public static IServiceCollection AddPanel(this IServiceCollection services)
    {
        services.AddSingleton<PanelBranch>();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Panel";
            o.Conventions.AuthorizeFolder("/", UserPolicy);
            o.Conventions.AuthorizeFolder("/Manage", AdminPolicy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Status");
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "switchboard.antiforgery";
            o.Cookie.Path = Path;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "switchboard.panel";
            o.Cookie.Path = Path;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = $"{Path}/sign-in";
            o.LogoutPath = $"{Path}/sign-out";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = RefreshAsync;
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<TimeProvider>((o, clock) => o.TimeProvider = clock);
        services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(PanelUser.LoginClaim))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(PanelUser.LoginClaim)
                .RequireAssertion(c => Caller.From(c.User)?.IsAdmin == true));
        return services;
    }

    /// <summary>
    /// Friendly pages for 403, 404 and failures on the panel's paths only (its headers: <see cref="SecurityHeaders"/>).
    /// </summary>
    public static IApplicationBuilder UsePanel(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path), panel =>
        {
            panel.UseExceptionHandler($"{Path}/status/500");
            panel.UseStatusCodePagesWithReExecute($"{Path}/status/{{0}}");
        });

    /// <summary>
    /// <c>/</c>, which leads to the panel, and the panel's pages: a request under <c>/panel</c> that none of the
    /// app's own endpoints took goes, as the pipeline's last step, to the branch <see cref="PanelBranch"/> builds on
    /// the first.
    /// </summary>
    public static void MapPanel(this WebApplication app)
    {
        app.MapGet("/", () => TypedResults.Redirect(Path)).ExcludeFromDescription();
        var pages = app.Services.GetRequiredService<PanelBranch>();
        app.Use((http, next) => http.GetEndpoint() is null && http.Request.Path.StartsWithSegments(Path)
            ? pages.ServeAsync(http)
            : next(http));
    }

    /// <summary>
    /// Every request reads the sign-in afresh: a removed sign-in, an agent deleted or made inactive, or a cookie whose
    /// security stamp is no longer the sign-in's (a new password, "sign out everywhere") is signed out; a changed role
    /// applies at once.
    /// </summary>
    private static async Task RefreshAsync(CookieValidatePrincipalContext context)
    {
        var logins = context.HttpContext.RequestServices.GetRequiredService<PanelLogins>();
        var user = PanelUser.LoginIdOf(context.Principal!) is { } id
            ? await logins.FindAsync(id, context.HttpContext.RequestAborted)
            : null;
        if (user is null
            || !string.Equals(user.SecurityStamp, PanelUser.StampOf(context.Principal!), StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.ReplacePrincipal(user.ToPrincipal(Scheme));
    }
}
