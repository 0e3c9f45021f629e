using Scalar.AspNetCore;

namespace Switchboard.ApiDocs;

public sealed class ApiDocsOptions
{
    public const string EnabledKey = "Switchboard:ApiDocs:Enabled";

    /// <summary>Serves <c>/openapi/v1.json</c> and <c>/api/docs</c>; on by default, in every environment.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// The admin API described by ASP.NET Core's OpenAPI generator at <c>/openapi/v1.json</c>, and read in Scalar at
/// <c>/api/docs</c>, whose script and styles Switchboard serves itself. Webhooks and panel pages are left out: the
/// provider and browsers call them, not integrators.
/// </summary>
public static class ApiDocsSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/api/docs";

    public static void AddApiDocs(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration))
        {
            return;
        }

        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description =>
                description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer<ApiDocument>();
            options.AddOperationTransformer<ApiOperations>();
        });
    }

    public static void MapApiDocs(this WebApplication app)
    {
        if (!Enabled(app.Configuration))
        {
            return;
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(DocsPath, options => options
                .WithTitle("Switchboard API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument(DocumentName)
                .ShowOperationId()
                // Scalar's hosted services (AI agent, MCP, sharing, SDKs, telemetry, fonts) are out of reach by design.
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .DisableTelemetry()
                .DisableDefaultFonts())
            .AllowAnonymous();
    }

    internal static bool Enabled(IConfiguration configuration) =>
        configuration.GetValue(ApiDocsOptions.EnabledKey, true);
}
