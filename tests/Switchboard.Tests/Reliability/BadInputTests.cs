using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using Xunit.Abstractions;

namespace Switchboard.Tests.Reliability;

/// <summary>
/// Hostile input at every door, generated with fixed seeds: every JSON endpoint of the admin API and every provider
/// webhook, found in the app's own endpoint list (a new endpoint is fuzzed without anyone adding it here), get random
/// and malformed bodies, wrong content types, deep nesting, invalid UTF-8, control characters, very long strings and
/// script or SQL in names. Never a 5xx; admin API errors are RFC 7807 problem details; signed webhooks answer TwiML.
/// The app runs on Kestrel, so that its real request limits apply.
/// </summary>
[Trait("Database", "yes")]
public sealed partial class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// Cases per endpoint: every kind of <see cref="ApiCase"/> five times, with different random content.
    /// </summary>
    public const int ApiCasesPerEndpoint = 60;

    public const int WebhookCasesPerEndpoint = 96;

    private const int Seed = 20261125;

    /// <summary>
    /// Non-ASCII characters as UTF-8 rather than \uXXXX escapes, so that a body's size is what it says.
    /// </summary>
    private static readonly JsonSerializerOptions RawUtf8 =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550101";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;
    private TestOrganization _org = null!;
    private HttpClient _http = null!;
    private Dictionary<string, string> _routeValues = null!;
    private long[] _ids = [];

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        // The admin's key reaches the account's validation, so that hostile bodies are judged, not only refused.
        _app.Settings["Switchboard:Providers:AdminsMaySetAccount"] = "true";
        _app.Settings["Switchboard:SignalWire:SigningKey"] = SignalWirePlay.SigningKey;
        _app.Settings["Switchboard:Telnyx:PublicKey"] = TelnyxPlay.PublicKey;
        _app.Settings["Switchboard:Bandwidth:CallbackUsername"] = BandwidthPlay.CallbackUsername;
        _app.Settings["Switchboard:Bandwidth:CallbackPassword"] = BandwidthPlay.CallbackPassword;
        var baseUrl = PanelBrowser.Start(_app);
        _http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        _org = await TestOrganization.CreateAsync(_app);
        var group = await _org.CreateGroupAsync();
        var inbox = await _org.CreateInboxAsync();
        var alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        await _org.AddNumberAsync(InboxNumber, inboxId: inbox);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        var call = await new TwilioProvider(_http).CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], call.Answer.Verbs);
        var callId = (await _org.CallsAsync())[0]!["id"]!.GetValue<long>();
        var spareKey = await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/api-keys", new { name = "spare", role = "admin" }));

        _routeValues = new()
        {
            ["orgId"] = _org.Id.ToString(),
            ["groupId"] = group.ToString(),
            ["inboxId"] = inbox.ToString(),
            ["agentId"] = alice.ToString(),
            ["callId"] = callId.ToString(),
            ["keyId"] = spareKey["id"]!.GetValue<long>().ToString(),
            ["number"] = InboxNumber,
            ["id"] = Guid.NewGuid().ToString(),
        };
        _ids = [_org.Id, group, inbox, alice, callId];
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task EveryAdminApiEndpointAnswersHostileBodiesWithProblemDetailsAndNeverA5xx()
    {
        var endpoints = ApiEndpoints();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();

        foreach (var endpoint in endpoints)
        {
            var input = new BadInput(Seed ^ StableHash(endpoint.Name));
            for (var i = 0; i < ApiCasesPerEndpoint; i++)
            {
                var kind = (ApiCase)(i % Enum.GetValues<ApiCase>().Length);
                using var request = ApiRequest(endpoint, kind, input);
                var what = $"{endpoint.Name} case {i} ({kind})";
                var (status, problem) = await SendAndCheckAsync(request, what, failures);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (kind == ApiCase.TooDeep && status != 400 && endpoint.BodyType is not null)
                {
                    failures.Add($"{what}: {status}, expected 400 for JSON nested past the limit: {problem}");
                }
            }
        }

        output.WriteLine(
            $"{endpoints.Count} admin API endpoints × {ApiCasesPerEndpoint} cases " +
            $"= {endpoints.Count * ApiCasesPerEndpoint} requests; statuses: " +
            $"{string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} admin API endpoints found");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task EverySignedWebhookAnswersHostileFormsWithTwiMLAndNeverA5xx()
    {
        var endpoints = WebhookEndpoints();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();

        foreach (var endpoint in endpoints)
        {
            var input = new BadInput(Seed ^ StableHash(endpoint.Name));
            for (var i = 0; i < WebhookCasesPerEndpoint; i++)
            {
                var kind = (WebhookCase)(i % Enum.GetValues<WebhookCase>().Length);
                var what = $"{endpoint.Name} case {i} ({kind})";
                using var request = WebhookRequest(endpoint, kind, input);
                using var response = await _http.SendAsync(request);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var expected = kind switch
                {
                    WebhookCase.NotAForm => 403,
                    WebhookCase.TooManyFields or WebhookCase.ValueTooLong => 413,
                    WebhookCase.NulCharacter => 400,
                    _ => 200,
                };
                if (status != expected)
                {
                    failures.Add($"{what}: {status}, expected {expected}: {Shorten(body)}");
                }
                else if (status != 403 && !IsTwiML(body))
                {
                    failures.Add($"{what}: not TwiML: {Shorten(body)}");
                }
            }
        }

        output.WriteLine(
            $"{endpoints.Count} webhooks × {WebhookCasesPerEndpoint} cases " +
            $"= {endpoints.Count * WebhookCasesPerEndpoint} signed requests; " +
            $"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(endpoints.Count >= 9, $"only {endpoints.Count} webhooks found");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task EveryBandwidthWebhookAnswersHostileJsonWithBxmlAndNeverA5xx()
    {
        var endpoints = Endpoints(BandwidthPrefix).OrderBy(e => e.Pattern, StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();

        foreach (var endpoint in endpoints)
        {
            var input = new BadInput(Seed ^ StableHash(endpoint.Name));
            for (var i = 0; i < BandwidthCasesPerEndpoint; i++)
            {
                var kind = (BandwidthCase)(i % Enum.GetValues<BandwidthCase>().Length);
                var what = $"{endpoint.Name} case {i} ({kind})";
                using var request = BandwidthRequest(endpoint, kind, input);
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request);
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{what}: no answer ({e.InnerException?.Message ?? e.Message})");
                    continue;
                }

                using var answered = response;
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                int[] expected = kind switch
                {
                    BandwidthCase.Unsigned => [401],
                    BandwidthCase.WrongCredentials => [403],
                    BandwidthCase.TooLarge => [413],
                    BandwidthCase.NotJson or BandwidthCase.TooDeep or BandwidthCase.NotAnObject => [400],
                    // Duplicate keys and escaped surrogates are JSON a reader may take; the rest is refused.
                    BandwidthCase.MalformedJson or BandwidthCase.InvalidUtf8 => [200, 400],
                    _ => [200],
                };
                if (!expected.Contains(status))
                {
                    failures.Add($"{what}: {status}, expected {string.Join(" or ", expected)}: {Shorten(body)}");
                }
                else if (!IsTwiML(body))
                {
                    failures.Add($"{what}: not BXML: {Shorten(body)}");
                }
            }
        }

        output.WriteLine(
            $"{endpoints.Count} Bandwidth webhooks × {BandwidthCasesPerEndpoint} cases " +
            $"= {endpoints.Count * BandwidthCasesPerEndpoint} requests; " +
            $"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(endpoints.Count >= 13, $"only {endpoints.Count} Bandwidth webhooks found");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task ScriptAndSqlInNamesAreStoredAndReturnedExactlyAsGiven()
    {
        foreach (var name in BadInput.ScriptAndSql)
        {
            var group = await TestOrganization.ReadAsync(
                await _org.Admin.PostAsJsonAsync($"{_org.Path}/groups", new { name }));
            var inbox = await TestOrganization.ReadAsync(
                await _org.Admin.PostAsJsonAsync($"{_org.Path}/inboxes", new { name }));
            var agent = await _org.CreateAgentAsync(name, phone: null, email: $"a{Guid.NewGuid():N}@example.org");
            var organization = await TestOrganization.ReadAsync(
                await _app.Operator().PostAsJsonAsync("/api/v1/organizations", new { name }));

            Assert.Equal(name, (await GetAsync($"/groups/{group["id"]}"))["name"]!.GetValue<string>());
            Assert.Equal(name, (await GetAsync($"/inboxes/{inbox["id"]}"))["name"]!.GetValue<string>());
            Assert.Equal(name, (await GetAsync($"/agents/{agent}"))["name"]!.GetValue<string>());
            Assert.Equal(name, organization["name"]!.GetValue<string>());
        }

        // The tables the SQL strings name are still there and whole.
        Assert.Equal(
            1 + BadInput.ScriptAndSql.Length,
            (await _org.Admin.GetFromJsonAsync<JsonArray>($"{_org.Path}/groups"))!.Count);
        Assert.Equal(200, (int)(await _org.Admin.GetAsync($"{_org.Path}/api-keys")).StatusCode);
    }

    [Fact]
    public async Task NamesWithControlCharactersOrOverTheLengthAreRefusedNamingTheField()
    {
        foreach (var name in new[] { "a\u0000b", "tab\there", "\u001b[31mred", new string('x', 201) })
        {
            using var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/groups", new { name });
            var problem = await ReadProblemAsync(response);
            Assert.Equal(400, (int)response.StatusCode);
            Assert.True(problem["errors"]!.AsObject().ContainsKey("name"), problem.ToJsonString());
        }
    }

    [Fact]
    public async Task JsonNestedPastTheDepthLimitIsA400NamingTheLimit()
    {
        var agent = _routeValues["agentId"];
        var deep = new string('[', 10_000) + new string(']', 10_000);
        using var response = await _org.Admin.PatchAsync(
            $"{_org.Path}/agents/{agent}",
            new StringContent($"{{\"name\": {deep}}}", Encoding.UTF8, "application/json"));

        var problem = await ReadProblemAsync(response);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(
            $"deeper than the limit of {RequestLimits.JsonMaxDepth} levels",
            problem["title"]!.GetValue<string>());
        Assert.Equal("Alice", (await GetAsync($"/agents/{agent}"))["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'8', (byte)'0', (byte)'0' })]
    public async Task AgentChangeWithTextThatIsNotUtf8IsA400AndChangesNothing(byte[] bad)
    {
        var agent = _routeValues["agentId"];
        var body = new ByteArrayContent([.. "{\"name\": \"Al"u8, .. bad, .. "ice\"}"u8]);
        body.Headers.ContentType = new("application/json");

        using var response = await _org.Admin.PatchAsync($"{_org.Path}/agents/{agent}", body);

        var problem = await ReadProblemAsync(response);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("body"), problem.ToJsonString());
        Assert.Equal("Alice", (await GetAsync($"/agents/{agent}"))["name"]!.GetValue<string>());
    }

    /// <summary>
    /// The API reference (public) and the metrics (operator token) under hostile paths, queries and tokens.
    /// </summary>
    [Fact]
    public async Task TheApiReferenceAndTheMetricsAnswerHostileRequestsWithoutA5xx()
    {
        var input = new BadInput(Seed ^ StableHash("reference and metrics"));
        var failures = new List<string>();
        for (var i = 0; i < ApiCasesPerEndpoint; i++)
        {
            var junk = Uri.EscapeDataString(QueryValue(input));
            var token = input.Pick(
                [
                    SwitchboardApp.OperatorToken,
                    _org.AdminKey,
                    Convert.ToHexString(input.RandomBytes(input.Next(1, 40))),
                    "",
                ]);
            foreach (var path in new[]
            {
                $"/openapi/{junk}.json",
                $"/api/docs/{junk}",
                $"/api/docs/?{junk}={junk}",
                $"/metrics?{junk}={junk}",
            })
            {
                using var request = new HttpRequestMessage(
                    input.Pick([HttpMethod.Get, HttpMethod.Head, HttpMethod.Post]),
                    path);
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
                using var response = await _http.SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add(
                        $"{request.Method} {path} with a {token.Length}-character token: {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");
        await AssertStillAnswersAsync();
    }

    private async Task<JsonNode> GetAsync(string path) =>
        await TestOrganization.ReadAsync(await _org.Admin.GetAsync(_org.Path + path));

    private async Task AssertStillAnswersAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        var call = await new TwilioProvider(_http).CallAsync("+14155550123", "+14155550177");
        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    /// <summary>
    /// Sends one request; a 5xx, or an error that is not a problem document, or a success that is neither JSON nor
    /// the CSV it says it is, is a failure.
    /// </summary>
    private async Task<(int Status, string? Problem)> SendAndCheckAsync(
        HttpRequestMessage request,
        string what,
        List<string> failures)
    {
        using var response = await _http.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (status >= 500)
        {
            failures.Add($"{what}: {status} {Shorten(body)}");
            return (status, null);
        }

        if (status >= 400)
        {
            if (mediaType != "application/problem+json" || !IsProblem(body, status))
            {
                failures.Add($"{what}: {status} is not a problem document ({mediaType}): {Shorten(body)}");
            }

            return (status, body);
        }

        if (body.Length > 0
            && !IsJson(body)
            && !(mediaType == "text/csv" && body.StartsWith("id,name,", StringComparison.Ordinal)))
        {
            failures.Add($"{what}: {status} with a body that is not JSON: {Shorten(body)}");
        }

        return (status, null);
    }

    private static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static bool IsProblem(string body, int status)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject problem
                && problem["status"]?.GetValue<int>() == status
                && problem["title"]?.GetValue<string>() is { Length: > 0 };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static bool IsJson(string body)
    {
        try
        {
            JsonNode.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsTwiML(string body)
    {
        try
        {
            return XDocument.Parse(body).Root?.Name.LocalName == "Response";
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>
    /// FNV-1a: a hash of an endpoint's name that is the same in every process (string.GetHashCode is not).
    /// </summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }

    // ---- The endpoints, from the app's own list ----

    public sealed record Endpoint(
        string Method,
        string Pattern,
        string Path,
        Type? BodyType,
        IReadOnlyList<string> QueryNames,
        IReadOnlySet<string>? Roles)
    {
        public string Name => $"{Method} {Pattern}";
    }

    private List<Endpoint> ApiEndpoints() =>
        [.. Endpoints("/api/v1/")
            .OrderBy(e => e.Method == "DELETE" ? 1 : 0) // deletions last, so the seeded rows serve the others first
            .ThenBy(e => e.Pattern, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal)];

    /// <summary>The webhooks whose requests are forms; Bandwidth's are JSON events, fuzzed on their own.</summary>
    private List<Endpoint> WebhookEndpoints() =>
        [.. Endpoints("/webhooks/").Where(e => !e.Pattern.StartsWith(BandwidthPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)];

    private IEnumerable<Endpoint> Endpoints(string prefix)
    {
        foreach (var endpoint in _app.Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet();
            var path = RouteParameter().Replace(pattern, m => RouteValue(m.Groups[1].Value, pattern));
            var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
            var queryNames = handler is null ? [] : QueryNames(handler, routeNames);
            var bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var roles = endpoint.Metadata.GetMetadata<Switchboard.Authorization.AllowedRoles>()?.Roles.Select(
                r => r.ToString()).ToHashSet();
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return new Endpoint(method, pattern, path, bodyType, queryNames, roles);
            }
        }
    }

    private string RouteValue(string name, string pattern) =>
        name == "leg" ? "agent"
        : _routeValues.TryGetValue(name, out var value) ? Uri.EscapeDataString(value)
        : throw new InvalidOperationException(
            $"No seeded value for the route parameter {{{name}}} of {pattern}: " +
            $"add one to {nameof(BadInputTests)}.{nameof(InitializeAsync)}");

    /// <summary>
    /// The handler's parameters bound from the query string: simple types that are not route values, also inside
    /// [AsParameters].
    /// </summary>
    private static List<string> QueryNames(MethodInfo handler, HashSet<string> routeNames)
    {
        var names = new List<string>();
        foreach (var parameter in handler.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                names.AddRange(
                    parameter.ParameterType.GetConstructors()
                        .Single()
                        .GetParameters()
                        .Where(IsSimple)
                        .Select(p => p.Name!));
            }
            else if (IsSimple(parameter) && !routeNames.Contains(parameter.Name!))
            {
                names.Add(parameter.Name!);
            }
        }

        return names;
    }

    private static bool IsSimple(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type == typeof(string)
            || type.IsPrimitive
            || type.IsEnum
            || type == typeof(DateOnly)
            || type == typeof(DateTime)
            || type == typeof(DateTimeOffset);
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    // ---- Admin API cases ----

    private enum ApiCase
    {
        ShapedBody,
        RandomBytes,
        MalformedJson,
        WrongContentType,
        TooDeep,
        InvalidUtf8,
        ControlCharacters,
        VeryLongStrings,
        ScriptAndSql,
        WrongTopLevelKind,
        EmptyBody,
        HostileQuery,
    }

    private HttpRequestMessage ApiRequest(Endpoint endpoint, ApiCase kind, BadInput input)
    {
        var shaped = Shaped(endpoint, input);
        var (body, contentType) = kind switch
        {
            ApiCase.ShapedBody => (Utf8(shaped), "application/json"),
            ApiCase.RandomBytes => (input.RandomBytes(input.Next(2_000)), "application/json"),
            ApiCase.MalformedJson => (input.MalformedJson(shaped), "application/json"),
            ApiCase.WrongContentType => (Utf8(shaped), input.Pick<string?>([
                "text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", null, "application/json; charset=utf-16",
                "application/json; charset=bogus", "application/problem+json", "image/png", "*/*"])),
            ApiCase.TooDeep =>
                (input.DeeplyNested(
                    input.Pick([RequestLimits.JsonMaxDepth + 1, 200, 5_000, 100_000])), "application/json"),
            ApiCase.InvalidUtf8 => (input.InvalidUtf8Json(shaped), "application/json"),
            ApiCase.ControlCharacters =>
                (Utf8(WithStrings(shaped, () => "x" + input.RandomText(input.Next(1, 60)))), "application/json"),
            ApiCase.VeryLongStrings => (Utf8(WithStrings(shaped, LongStrings(input))), "application/json"),
            ApiCase.ScriptAndSql =>
                (Utf8(WithStrings(shaped, () => input.Pick(BadInput.ScriptAndSql))), "application/json"),
            ApiCase.WrongTopLevelKind =>
                (Utf8(input.Pick(["null", "[]", "[{}]", "\"text\"", "42", "true", "{}", "  "])), "application/json"),
            ApiCase.EmptyBody => ([], input.Pick<string?>(["application/json", null])),
            _ => (Utf8(shaped), "application/json"),
        };

        var query = kind == ApiCase.HostileQuery && endpoint.QueryNames.Count > 0
            ? "?" + string.Join('&', endpoint.QueryNames.Select(n => $"{n}={Uri.EscapeDataString(QueryValue(input))}"))
            : "";
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path + query);
        if (body.Length > 0 || contentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        var token = endpoint.Roles is { } roles && roles.Contains("Admin")
            ? _org.AdminKey
            : SwitchboardApp.OperatorToken;
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    /// <summary>
    /// A body of the endpoint's request type (any JSON object when it takes none), with hostile values.
    /// </summary>
    private string Shaped(Endpoint endpoint, BadInput input) =>
        (endpoint.BodyType is { } type && type != typeof(JsonElement)
            ? input.ObjectFor(type, _ids)
            : input.ValueFor(typeof(JsonElement), _ids))?.ToJsonString(RawUtf8)
            ?? "null";

    /// <summary>The same JSON with every string value replaced by a new one.</summary>
    private static string WithStrings(string json, Func<string> next)
    {
        var node = JsonNode.Parse(json);
        Replace(node);
        return node?.ToJsonString(RawUtf8) ?? "null";

        void Replace(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        {
                            o[key] = next();
                        }
                        else
                        {
                            Replace(value);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (a[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        {
                            a[i] = next();
                        }
                        else
                        {
                            Replace(a[i]);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Strings of 10,000 to 1,000,000 characters, up to 4 MB in all, so that the body stays under the size limit.
    /// </summary>
    private static Func<string> LongStrings(BadInput input)
    {
        var budget = 2_000_000;
        return () =>
        {
            var length = Math.Min(budget, input.Next(10_000, 1_000_000));
            budget -= length;
            return new string('é', Math.Max(length, 1));
        };
    }

    private static string QueryValue(BadInput input) => input.Next(6) switch
    {
        0 => "-1",
        1 => "99999999999999999999999",
        2 => "2026-13-45",
        3 => new string('9', input.Next(100, 2_000)),
        4 => input.Pick(BadInput.ScriptAndSql),
        _ => input.RandomText(input.Next(1, 30)),
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---- Webhook cases ----

    private enum WebhookCase
    {
        RandomFields,
        ScriptAndSql,
        ControlCharacters,
        InvalidUtf8,
        LongValues,
        EmptyForm,
        RepeatedFields,
        PhoneLikeValues,
        NotAForm,
        TooManyFields,
        ValueTooLong,
        NulCharacter,
    }

    private const string BandwidthPrefix = "/webhooks/bandwidth/";

    public const int BandwidthCasesPerEndpoint = 56;

    private enum BandwidthCase
    {
        HostileValues,
        ScriptAndSql,
        WrongTypes,
        LongValues,
        PhoneLikeValues,
        EmptyObject,
        MalformedJson,
        InvalidUtf8,
        TooDeep,
        NotAnObject,
        NotJson,
        TooLarge,
        Unsigned,
        WrongCredentials,
    }

    private static readonly string[] BandwidthFields =
    [
        "eventType", "eventTime", "accountId", "applicationId", "callId", "parentCallId", "from", "to", "direction",
        "digits", "terminatingDigit", "cause", "startTime", "answerTime", "endTime", "recordingId", "status", "tag",
    ];

    /// <summary>A Bandwidth JSON event with hostile values, signed in as Bandwidth signs in (Basic auth).</summary>
    private HttpRequestMessage BandwidthRequest(Endpoint endpoint, BandwidthCase kind, BadInput input)
    {
        var path = endpoint.Path.Replace(
            "/status/agent",
            "/status/" + input.Pick(["agent", "forward", "contact", "caller", "AGENT", "nobody", "0"]),
            StringComparison.Ordinal);
        if (input.Next(5) == 0)
        {
            path = Regex.Replace(
                path,
                @"/calls/\d+/",
                $"/calls/{input.Pick(["0", "-1", "999999", long.MaxValue.ToString()])}/");
        }

        var json = new JsonObject();
        foreach (var name in BandwidthFields.OrderBy(_ => input.Next(1000)).Take(input.Next(1, BandwidthFields.Length)))
        {
            json[name] = kind switch
            {
                BandwidthCase.ScriptAndSql => input.Pick(BadInput.ScriptAndSql),
                BandwidthCase.WrongTypes => input.Pick<JsonNode?>(
                    [null, 0, -1, 1e308, true, new JsonArray(1, "x"), new JsonObject { ["a"] = "b" }]),
                BandwidthCase.LongValues => new string('9', input.Next(100, 3_000)),
                BandwidthCase.PhoneLikeValues => input.Pick(
                    [Contact, GroupNumber, InboxNumber, "(415) 555-0199", "+", "anonymous", "sip:x@y", "266696687"]),
                _ => input.Next(3) == 0
                    ? input.NastyString() is var nasty && nasty.Length > 2_000 ? nasty[..2_000] : nasty
                    : input.Pick(
                    [
                        "initiate", "gather", "transferComplete", "disconnect", "hangup", "busy", "timeout", "1", "",
                        "2026-12-01T06:00:00.000Z", "9999-99-99T99:99:99Z", "c-" + input.Next(1000),
                    ]),
            };
        }

        var wellFormed = kind == BandwidthCase.EmptyObject ? "{}" : json.ToJsonString(RawUtf8);
        byte[] body = kind switch
        {
            BandwidthCase.MalformedJson => input.MalformedJson(wellFormed),
            BandwidthCase.InvalidUtf8 => input.InvalidUtf8Json(wellFormed),
            BandwidthCase.TooDeep => input.DeeplyNested(input.Next(100, 2_000)),
            BandwidthCase.NotAnObject => Encoding.UTF8.GetBytes(input.Pick(["[]", "\"initiate\"", "42", "null"])),
            BandwidthCase.NotJson => Encoding.UTF8.GetBytes("callId=c-1&eventType=initiate"),
            BandwidthCase.TooLarge => Encoding.UTF8.GetBytes(
                $$"""{"callId":"c-1","tag":"{{new string('x', 70_000)}}"}"""),
            _ => Encoding.UTF8.GetBytes(wellFormed),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", kind == BandwidthCase.NotJson
            ? "application/x-www-form-urlencoded"
            : "application/json");
        // Kestrel closes the connection after refusing a body over the limit: that one is not kept for the next.
        request.Headers.ConnectionClose = kind == BandwidthCase.TooLarge;
        var password = kind == BandwidthCase.WrongCredentials ? "wrong" : BandwidthPlay.CallbackPassword;
        if (kind != BandwidthCase.Unsigned)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", BandwidthPlay.BasicAuth(BandwidthPlay.CallbackUsername, password));
        }

        return request;
    }

    private static readonly string[] ProviderFields =
    [
        "CallSid", "AccountSid", "From", "To", "CallStatus", "Direction", "Digits", "DialCallStatus", "DialBridged",
        "DialCallSid", "DialCallDuration", "CallDuration", "Timestamp", "ParentCallSid", "ApiVersion", "Caller",
        "Called", "StirVerstat",
    ];

    /// <summary>
    /// A webhook request signed as the provider signs it: over the public URL and the form values as the server
    /// will decode them (raw bytes that are not UTF-8 become U+FFFD), so that the hostile content gets past the
    /// signature into the handlers.
    /// </summary>
    private HttpRequestMessage WebhookRequest(Endpoint endpoint, WebhookCase kind, BadInput input)
    {
        var path = endpoint.Path.Replace(
            "/status/agent",
            "/status/" + input.Pick(["agent", "forward", "contact", "caller", "AGENT", "nobody", "0"]),
            StringComparison.Ordinal);
        if (input.Next(5) == 0)
        {
            path = Regex.Replace(
                path,
                @"/calls/\d+/",
                $"/calls/{input.Pick(["0", "-1", "999999", long.MaxValue.ToString()])}/");
        }

        // ASP.NET Core refuses a whole form with %00 in it (its own case below), so the other cases carry U+0001
        // instead.
        var fields = new List<(string Name, byte[] Encoded)>();
        void Add(string name, string value) =>
            fields.Add((name, Encoding.ASCII.GetBytes(Uri.EscapeDataString(value.Replace('\0', '\u0001')))));

        var count = input.Next(1, ProviderFields.Length);
        foreach (var name in ProviderFields.OrderBy(_ => input.Next(1000)).Take(count))
        {
            switch (kind)
            {
                case WebhookCase.ScriptAndSql:
                    Add(name, input.Pick(BadInput.ScriptAndSql));
                    break;
                case WebhookCase.ControlCharacters:
                    Add(name, input.RandomText(input.Next(1, 40)));
                    break;
                case WebhookCase.InvalidUtf8:
                    fields.Add(
                        (name,
                        [
                            .. "ab"u8,
                            .. input.Pick<byte[]>([[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80]]),
                            .. "z"u8,
                        ]));
                    break;
                case WebhookCase.LongValues:
                    Add(name, new string('9', input.Next(100, 3_000)));
                    break;
                case WebhookCase.PhoneLikeValues:
                    Add(
                        name,
                        input.Pick(
                            [
                                "+14155550199",
                                GroupNumber,
                                InboxNumber,
                                "(415) 555-0199",
                                "+",
                                "anonymous",
                                "client:alice",
                                "sip:x@y",
                                "266696687",
                            ]));
                    break;
                case WebhookCase.RepeatedFields:
                    var nasty = input.NastyString();
                    Add(name, nasty[..Math.Min(500, nasty.Length)]);
                    Add(name, "completed");
                    break;
                case WebhookCase.EmptyForm:
                    break;
                default:
                    Add(
                        name,
                        input.Next(3) == 0
                            ? input.RandomText(input.Next(0, 20))
                            : input.Pick(
                                [
                                    "1",
                                    "2",
                                    "true",
                                    "completed",
                                    "busy",
                                    "no-answer",
                                    "in-progress",
                                    "",
                                    "CA" + input.Next(1000),
                                ]));
                    break;
            }
        }

        if (kind == WebhookCase.TooManyFields)
        {
            for (var i = 0; i < 300; i++)
            {
                Add($"F{i}", "x");
            }
        }

        if (kind == WebhookCase.NulCharacter)
        {
            fields.Add(("CallStatus", "in%00progress"u8.ToArray()));
        }

        if (kind == WebhookCase.ValueTooLong)
        {
            Add("CallSid", new string('x', 20_000));
        }

        var body = Join(fields);
        var publicUrl = SwitchboardApp.PublicBaseUrl + path;
        var decoded = fields.Select(f => KeyValuePair.Create(f.Name, Decode(f.Encoded)));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", kind == WebhookCase.NotAForm
            ? input.Pick(["application/json", "text/plain", "application/xml"])
            : "application/x-www-form-urlencoded");
        List<KeyValuePair<string, string>> signed = kind == WebhookCase.NotAForm ? [] : [.. decoded];
        SignAsTheProvider(request, path, publicUrl, signed, body);
        return request;
    }

    /// <summary>Each provider's webhooks are signed its own way: the fuzz must get past every signature.</summary>
    private void SignAsTheProvider(
        HttpRequestMessage request, string path, string publicUrl, List<KeyValuePair<string, string>> form, byte[] body)
    {
        if (path.StartsWith("/webhooks/telnyx/", StringComparison.Ordinal))
        {
            var timestamp = _app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add("telnyx-timestamp", timestamp);
            request.Headers.Add("telnyx-signature-ed25519", TelnyxPlay.SignBody(timestamp, body));
        }
        else if (path.StartsWith("/webhooks/signalwire/", StringComparison.Ordinal))
        {
            var signature = TwilioSignature.Compute(SignalWirePlay.SigningKey, publicUrl, form);
            request.Headers.Add("X-SignalWire-Signature", signature);
        }
        else
        {
            var signature = TwilioSignature.Compute(SwitchboardApp.AuthToken, publicUrl, form);
            request.Headers.Add("X-Twilio-Signature", signature);
        }
    }

    private static byte[] Join(List<(string Name, byte[] Encoded)> fields)
    {
        var body = new List<byte>();
        foreach (var (name, encoded) in fields)
        {
            if (body.Count > 0)
            {
                body.Add((byte)'&');
            }

            body.AddRange(Encoding.ASCII.GetBytes(Uri.EscapeDataString(name)));
            body.Add((byte)'=');
            body.AddRange(encoded);
        }

        return [.. body];
    }

    /// <summary>
    /// What the server's form reader makes of an encoded value: %XX to bytes, then UTF-8 with replacement characters.
    /// </summary>
    private static string Decode(byte[] encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length)
            {
                bytes.Add(Convert.ToByte(Encoding.ASCII.GetString(encoded, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add(encoded[i] == '+' ? (byte)' ' : encoded[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
