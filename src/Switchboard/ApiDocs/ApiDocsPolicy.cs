using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.ApiDocs;

/// <summary>
/// The one page of Switchboard that runs scripts: Scalar's reference at <c>/api/docs</c>. Its policy admits scripts
/// from Switchboard itself and, by hash, exactly the inline script of the page being sent (Scalar writes its
/// settings there); styles may be inline because Scalar sets them at run time. Nothing may load from elsewhere.
/// </summary>
public static partial class ApiDocsPolicy
{
    private const string Policy =
        "default-src 'none'; script-src 'self' {0}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseApiDocsPolicy(this WebApplication app) =>
        !ApiDocsSetup.Enabled(app.Configuration) ? app :
            app.Use(async (http, next) =>
            {
                if (!http.Request.Path.StartsWithSegments(ApiDocsSetup.DocsPath)
                    || HttpMethods.IsHead(http.Request.Method))
                {
                    await next(http);
                    return;
                }

                // The page is small and written once: held until its scripts are hashed, so the header can name them.
                var original = http.Response.Body;
                using var page = new MemoryStream();
                http.Response.Body = page;
                try
                {
                    await next(http);
                }
                finally
                {
                    http.Response.Body = original;
                }

                if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    var hashes = InlineScripts().Matches(Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length))
                        .Select(script => SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["body"].Value)))
                        .Select(hash => $"'sha256-{Convert.ToBase64String(hash)}'");
                    http.Features.Set(
                        new ContentSecurityPolicyOverride(
                            string.Format(
                                System.Globalization.CultureInfo.InvariantCulture,
                                Policy,
                                string.Join(' ', hashes))));
                }

                page.Position = 0;
                await page.CopyToAsync(original, http.RequestAborted);
            });

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>(?<body>.*?)</script>",
        RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScripts();
}
