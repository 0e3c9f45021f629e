using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Api;

/// <summary>Sends admin API requests and reads the answers the way a user of the API sees them.</summary>
internal static class ApiAnswers
{
    /// <summary>Asserts an RFC 7807 answer with the given status and returns its body.</summary>
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>The fields that a 400 problem names in its <c>errors</c>, in ordinal order.</summary>
    public static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null, $"no errors in {problem.ToJsonString()}");
        return [.. errors.Select(e => e.Key).Order(StringComparer.Ordinal)];
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path) =>
        await TestOrganization.ReadAsync(await client.GetAsync(path));

    public static async Task<HttpResponseMessage> SendJsonAsync(
        this HttpClient client,
        HttpMethod method,
        string path,
        object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null
            ? null
            : JsonContent.Create(body) };
        return await client.SendAsync(request);
    }

    /// <summary>Sends the body exactly as written, declared as JSON whether or not it is.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(
        this HttpClient client,
        HttpMethod method,
        string path,
        string body,
        string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(
            body,
            Encoding.UTF8,
            mediaType) };
        return await client.SendAsync(request);
    }

    public static string Text(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static string? TextOrNull(this JsonNode node, string name) => node[name]?.GetValue<string>();

    public static long Id(this JsonNode node, string name = "id") => node[name]!.GetValue<long>();

    /// <summary>The id in an API key of the form <c>sbk_{id}_{secret}</c>.</summary>
    public static long KeyId(string key) =>
        long.Parse(key.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture);
}
