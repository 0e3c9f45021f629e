namespace Switchboard;

/// <summary>
/// Browser hardening headers on every answer. The panel is server-rendered with no script at all, so its policy
/// allows none (a page that needs one later must carry a nonce); the API and webhooks answer data, never pages,
/// so theirs allows nothing; the API reference page sets a policy of its own (see <see cref="ApiDocs.ApiDocsPolicy"/>).
/// Set as the answer starts, so that an error page written later keeps them.
/// </summary>
public static class SecurityHeaders
{
    public const string PanelPolicy =
        "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; img-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), " +
        "usb=(), interest-cohort=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                var panel = http.Request.Path.StartsWithSegments(Panel.PanelSetup.Path);
                headers.ContentSecurityPolicy = http.Features.Get<ContentSecurityPolicyOverride>()?.Policy
                    ?? (panel ? PanelPolicy : DataPolicy);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = panel ? "same-origin" : "no-referrer";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";

                // Panel pages and API answers hold personal data and keys: no cache keeps them. The stylesheet and the
                // API reference's scripts (the only scripts served) may be cached.
                var contentType = http.Response.ContentType;
                if (contentType?.StartsWith("text/css", StringComparison.Ordinal) != true
                    && contentType?.StartsWith("text/javascript", StringComparison.Ordinal) != true)
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(http);
        });
}

/// <summary>The policy of a page that needs more than the default (set before the answer starts).</summary>
public sealed record ContentSecurityPolicyOverride(string Policy);
