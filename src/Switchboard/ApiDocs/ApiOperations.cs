using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Switchboard.ApiDocs;

/// <summary>
/// What every operation shares and the generator cannot see: a body or a query may be refused as 400 naming the
/// field (and a body as 413 past the size limit), refusals described in plain words, and an example for each
/// request body, written with the API's own JSON settings.
/// </summary>
internal sealed class ApiOperations(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["400"] = "A field is missing or invalid, or the JSON is malformed; the problem names each field.",
        ["401"] = "No key, or a key Switchboard does not know (or has revoked).",
        ["403"] = "The key is valid but may not do this (e.g. an agent key on an admin operation).",
        ["404"] = "No such organization or item; another organization's looks exactly the same.",
        ["409"] = "The change conflicts with what is stored (e.g. an email or a number already in use).",
        ["413"] = "The body is larger than the API accepts.",
        ["429"] = "Too many failed authentications from this address; wait for Retry-After seconds.",
        ["500"] = "Something failed unexpectedly; the problem says no more than that.",
        ["502"] = "The telephony provider refused the call or could not be reached; nothing rang.",
        ["503"] = "Outbound calls are not set up on this Switchboard.",
        ["504"] = "The telephony provider did not answer in time; the agent's phone may still ring.",
    };

    public async Task TransformAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var description = context.Description;
        var body = description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body);
        var hasQuery = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query);
        operation.Responses ??= [];

        if (body is not null || hasQuery)
        {
            await AddProblemAsync(operation, context, "400", typeof(HttpValidationProblemDetails), cancellationToken);
        }

        if (body is not null)
        {
            await AddProblemAsync(operation, context, "413", typeof(ProblemDetails), cancellationToken);
            await DescribeBodyAsync(operation, context, body.Type, cancellationToken);
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is OpenApiResponse concrete && Descriptions.TryGetValue(status, out var words))
            {
                concrete.Description = words;
            }
        }
    }

    private async Task DescribeBodyAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        Type bodyType,
        CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is null)
        {
            return;
        }

        // A body read as raw JSON (PATCH, where an absent field differs from null) documents the type it stands for.
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>()
            .Select(a => a.RequestType).FirstOrDefault(t => t is not null && t != typeof(JsonElement));
        if (bodyType == typeof(JsonElement) && declared is not null)
        {
            media.Schema = await context.GetOrCreateSchemaAsync(declared, null, ct);
            bodyType = declared;
        }

        if (ApiExamples.ShapesOf(bodyType) is { Count: > 0 } shapes)
        {
            media.Examples = shapes.ToDictionary(
                shape => shape.Name,
                shape => (IOpenApiExample)new OpenApiExample
                {
                    Summary = shape.Name,
                    Value = JsonSerializer.SerializeToNode(shape.Example, bodyType, json.Value.SerializerOptions),
                });
        }
        else if (ApiExamples.For(bodyType) is { } example)
        {
            media.Example = JsonSerializer.SerializeToNode(example, bodyType, json.Value.SerializerOptions);
        }
    }

    private static async Task AddProblemAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        string status,
        Type problem,
        CancellationToken ct)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        var document = context.Document!;
        var name = problem.Name;
        if (document.Components?.Schemas?.ContainsKey(name) != true)
        {
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(problem, null, ct));
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = Descriptions[status],
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = new OpenApiSchemaReference(name, document) },
            },
        };
    }
}
