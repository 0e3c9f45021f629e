using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ApiDocs;

/// <summary>
/// The OpenAPI document against the app's own endpoint list (like the authorization matrix): an admin API endpoint
/// missing from it, or a request example its schema refuses, fails here.
/// </summary>
[Trait("Database", "yes")]
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        // Served in Production too, not only in Development.
        _app.Settings["environment"] = "Production";
        var answer = await _app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        _document = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsObject();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void EveryAdminApiEndpointOfTheAppIsInTheDocumentWithAnIdATagAndASummary()
    {
        var endpoints = AdminApiEndpoints();
        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} admin API endpoints found");

        var missing = new List<string>();
        foreach (var (method, path) in endpoints)
        {
            if (_document["paths"]?[path]?[method.ToLowerInvariant()] is not JsonObject operation)
            {
                missing.Add($"{method} {path}: not in the document");
                continue;
            }

            if (operation["operationId"] is null
                || operation["summary"] is null
                || operation["tags"] is not JsonArray { Count: > 0 })
            {
                missing.Add($"{method} {path}: without an operationId, a summary or a tag");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
        var documented = Operations().Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();
        Assert.Equal(endpoints.Select(e => $"{e.Method} {e.Path}").Order(), documented.Order());
    }

    [Fact]
    public void OperationIdsAreUnique()
    {
        var ids = Operations().Select(o => o.Operation["operationId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void WebhooksAndPanelPagesAreNotInTheDocument()
    {
        var paths = _document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p, StringComparison.Ordinal));
        Assert.Contains(_app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>(),
            e => e.RoutePattern.RawText!.StartsWith("/webhooks/", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryOperationNeedsTheBearerKey()
    {
        var scheme = _document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Contains(_document["security"]!.AsArray(), requirement => requirement!.AsObject().ContainsKey("Bearer"));
        Assert.All(Operations(), o => Assert.Null(o.Operation["security"]));
    }

    [Fact]
    public void EveryOperationDescribesItsRefusalsAsProblemDetails()
    {
        foreach (var (method, path, operation) in Operations())
        {
            var responses = operation["responses"]!.AsObject();
            var expected = new List<string> { "401", "403", "429", "500" };
            if (path != "/api/v1/organizations")
            {
                expected.Add("404");
            }

            if (operation["requestBody"] is not null)
            {
                expected.AddRange(["400", "413"]);
            }

            foreach (var status in expected)
            {
                Assert.True(
                    responses[status]?["content"]?["application/problem+json"] is not null,
                    $"{method} {path} does not describe its {status}");
            }
        }

        var startCall = _document["paths"]!["/api/v1/organizations/{orgId}/calls"]!["post"]!["responses"]!.AsObject();
        Assert.All(
            new[] { "409", "502", "503", "504" },
            status => Assert.True(startCall.ContainsKey(status), $"POST /calls without {status}"));
        Assert.True(
            _document["paths"]!["/api/v1/organizations/{orgId}/numbers"]!["post"]!["responses"]!
                .AsObject()
                .ContainsKey("409"));
    }

    [Fact]
    public void EveryRequestBodyHasAnExampleItsSchemaAccepts()
    {
        var refused = new List<string>();
        foreach (var (method, path, operation) in Operations().Where(o => o.Operation["requestBody"] is not null))
        {
            var media = operation["requestBody"]!["content"]!["application/json"]!;
            // One example, or one named example per shape of a body whose fields depend on one of them.
            JsonNode[] examples = media["example"] is { } one ? [one]
                : media["examples"] is JsonObject named ? [.. named.Select(e => e.Value!["value"]!)]
                : [];
            if (examples.Length == 0)
            {
                refused.Add($"{method} {path}: no example");
            }

            foreach (var example in examples)
            {
                var results = Validate(media["schema"]!, example, operation["operationId"]!.GetValue<string>());
                if (!results.IsValid)
                {
                    refused.Add(
                        $"{method} {path}: {example.ToJsonString()} is refused by its " +
                        $"schema:\n{JsonSerializer.Serialize(results)}");
                }
            }
        }

        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Fact]
    public void TheProviderAccountHasAnExampleForEachProviderItsAccountsAreDocumentedFor()
    {
        var put = _document["paths"]!["/api/v1/organizations/{orgId}/provider"]!["put"]!
            ["requestBody"]!["content"]!["application/json"]!;

        var named = put["examples"]!.AsObject();

        Assert.Equal(["bandwidth", "telnyx", "twilio"], named.Select(e => e.Key).Order(StringComparer.Ordinal));
        var bandwidth = named["bandwidth"]!["value"]!;
        Assert.Equal("bandwidth", bandwidth["provider"]!.GetValue<string>());
        Assert.NotNull(bandwidth["callbackPassword"]);
    }

    [Fact]
    public void TheSchemaCheckRefusesAnExampleOfTheWrongShape()
    {
        var createAgent = _document["paths"]!["/api/v1/organizations/{orgId}/agents"]!["post"]!
            ["requestBody"]!["content"]!["application/json"]!;
        var wrong = JsonNode.Parse("""{ "name": "Ada", "active": "yes" }""")!;

        Assert.False(Validate(createAgent["schema"]!, wrong, "wrong-shape").IsValid);
        Assert.True(Validate(createAgent["schema"]!, createAgent["example"]!, "right-shape").IsValid);
    }

    [Fact]
    public async Task AnOperatorCanTurnTheDocumentAndTheReferenceOff()
    {
        await using var app = new SwitchboardApp();
        app.Settings["Switchboard:ApiDocs:Enabled"] = "false";
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/docs/")).StatusCode);
    }

    /// <summary>
    /// The schema, with the document's component schemas beside it, checked by JsonSchema.Net (draft 2020-12, as
    /// OpenAPI 3.1).
    /// </summary>
    private EvaluationResults Validate(JsonNode schema, JsonNode instance, string name)
    {
        var components = _document["components"]!["schemas"]!.ToJsonString();
        var text = (
            $$"""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": """ +
            $$"""[{{schema.ToJsonString()}}], "$defs": {{components}} }""")
                .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var built = JsonSchema.FromText(
            text,
            baseUri: new Uri($"https://switchboard.test/schemas/{name}/{Guid.NewGuid():N}.json"));
        using var parsed = JsonDocument.Parse(instance.ToJsonString());
        return built.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private IEnumerable<(string Method, string Path, JsonObject Operation)> Operations() =>
        from path in _document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key is "get" or "put" or "post" or "patch" or "delete"
        select (operation.Key, path.Key, operation.Value!.AsObject());

    /// <summary>Every /api/v1 endpoint the app maps, as OpenAPI names its path (route constraints dropped).</summary>
    private List<(string Method, string Path)> AdminApiEndpoints() =>
        [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => (m, RouteConstraint().Replace(e.RoutePattern.RawText!, "{${name}}"))))];

    [GeneratedRegex(@"\{(?<name>\w+):[^}]+\}")]
    private static partial Regex RouteConstraint();
}
