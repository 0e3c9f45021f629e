using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Switchboard.Authorization;

namespace Switchboard.ApiDocs;

/// <summary>The document's title, what a key is and that every operation needs one.</summary>
internal sealed class ApiDocument : IOpenApiDocumentTransformer
{
    public Task TransformAsync(
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Switchboard admin API",
            Version = "v1",
            Description =
                "Set up how an organization's phone numbers route calls, manage its agents, groups and inboxes, " +
                "and read its calls. Every request carries a bearer key: the operator token, or an API key issued " +
                "by Switchboard (an admin key for the whole organization, an agent key for that agent only). " +
                "Refusals are RFC 7807 problem details.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerAuthentication.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The operator token (Switchboard:OperatorToken) or an API key created under /api-keys.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerAuthentication.SchemeName, document)] = [],
            },
        ];
        return Task.CompletedTask;
    }
}
