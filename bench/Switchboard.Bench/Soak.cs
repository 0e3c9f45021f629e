using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Npgsql;
using Switchboard.Twilio;

/// <summary>
/// bench/soak.sh's driver: two running instances on one PostgreSQL database, an organization whose events go to a
/// receiver of the soak's own, calls walked as Twilio walks them (spread over both instances, every answer checked)
/// and message events through the ingestion API, at fixed rates; then every call record, event and message checked.
/// </summary>
internal static class Soak
{
    public const int Groups = 20;
    public const int Agents = 200;
    public const int CallContacts = 20_000;
    public const int MessageContacts = 100_000;
    private const string PublicBaseUrl = "https://soak.example.org";

    public static async Task RunAsync(Args options)
    {
        var instances = options.Get("urls").Split(',').Select(u => new Instance(u)).ToArray();
        var pids = options.Get("pids").Split(',').Select(int.Parse).ToArray();
        var minutes = double.Parse(options.Get("minutes", "30"), CultureInfo.InvariantCulture);
        var callRate = int.Parse(options.Get("calls-per-second", "300"), CultureInfo.InvariantCulture);
        var eventRate = int.Parse(options.Get("events-per-second", "3000"), CultureInfo.InvariantCulture);
        var authToken = options.Get("auth-token");

        var receiverPort = int.Parse(options.Get("receiver-port"), CultureInfo.InvariantCulture);
        var receiver = await SoakReceiver.StartAsync(receiverPort);
        var org = await Organization.CreateAsync(instances[0].Http, options.Get("operator-token"), receiver.Url);
        receiver.Secret = org.EventsSecret;
        Console.WriteLine($"soak: organization {org.Id}, {Groups} groups, {Agents} agents, events to {receiver.Url}");

        var ramp = TimeSpan.FromSeconds(double.Parse(options.Get("ramp-seconds", "60"), CultureInfo.InvariantCulture));
        var run = new Run(instances, authToken, org, TimeSpan.FromMinutes(minutes), ramp);
        var rss = new RssSampler(pids, run.Clock, options.Get("database"));
        using var stop = new CancellationTokenSource(run.Length);
        var sampling = rss.RunAsync(stop.Token);
        var calls = run.CallsAsync(callRate, stop.Token);
        var messages = run.MessagesAsync(eventRate, stop.Token);
        await Task.WhenAll(calls, messages);
        await run.DrainAsync();
        await sampling;
        Console.WriteLine($"soak: load over after {run.Clock.Elapsed.TotalMinutes:F1} min; waiting for the events");

        var expectedEvents = run.Expected.Count;
        // The events still in the outbox arrive after the load; give up once none has arrived for a minute.
        var drain = Stopwatch.StartNew();
        var (lastCount, lastArrival) = (-1, drain.Elapsed);
        while (receiver.Events.Count < expectedEvents && drain.Elapsed - lastArrival < TimeSpan.FromMinutes(1))
        {
            if (receiver.Events.Count != lastCount)
            {
                (lastCount, lastArrival) = (receiver.Events.Count, drain.Elapsed);
                Console.WriteLine($"soak: {lastCount:N0} of {expectedEvents:N0} call events received");
            }

            await Task.Delay(5000);
        }

        var eventsDrainSeconds = drain.Elapsed.TotalSeconds;
        var checks = await Checks.RunAsync(options.Get("database"), options.Get("logs").Split(','), org, run, receiver);
        var result = Report.Build(options, run, rss, receiver, checks, callRate, eventRate, eventsDrainSeconds);
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var outDir = Directory.CreateDirectory(options.Get("out", "bench/results")).FullName;
        var name = $"{stamp}-soak-{minutes:0.#}min";
        await File.WriteAllTextAsync(
            Path.Combine(outDir, name + ".json"),
            result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        await File.WriteAllTextAsync(Path.Combine(outDir, name + ".svg"), SoakChart.Svg(result));
        Console.WriteLine(result["summary"]!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written bench/results/{name}.json and .svg");
        await receiver.DisposeAsync();
        Environment.ExitCode = checks.All(c => c.Passed) ? 0 : 1;
    }

    public static string Agent(int a) => $"+1646{a:D7}";

    public static string Group(int g) => $"+1202555{g:D4}";

    public static string CallContact(int c) => $"+1312{c:D7}";

    public static string MessageContact(int c) => $"+1313{c:D7}";

    public static string Stranger(long n) => $"+1415{n % 10_000_000:D7}";

    public static string PublicUrl(string path) => PublicBaseUrl + path;

    /// <summary>What a call does: the agent takes it, declines it or does not pick up; or a stranger calls.</summary>
    public enum Kind { Accept, Decline, NoAnswer, Stranger }

    /// <summary>80 % taken, 10 % declined, 5 % not picked up, 5 % strangers (never texted: rejected).</summary>
    public static Kind KindOf(long n) => (n % 20) switch
    {
        < 16 => Kind.Accept,
        < 18 => Kind.Decline,
        18 => Kind.NoAnswer,
        _ => Kind.Stranger,
    };

    /// <summary>The outcome stored on the call record, and the event the receiver must get for it.</summary>
    public static (string Outcome, string Event) Expected(Kind kind) => kind switch
    {
        Kind.Accept => ("Connected", "call.completed"),
        Kind.Decline => ("AgentDeclined", "call.missed"),
        Kind.NoAnswer => ("AgentNoAnswer", "call.missed"),
        _ => ("Rejected", "call.rejected"),
    };
}

internal sealed class Instance(string url)
{
    public string Url { get; } = url;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
    {
        BaseAddress = new Uri(url),
        Timeout = TimeSpan.FromSeconds(30),
    };
}

internal sealed record Organization(long Id, string AdminKey, string EventsSecret)
{
    /// <summary>
    /// Groups with a number each, agents, the call contacts each texted an hour ago by one agent from one group's
    /// number (so each call has one right agent), and the events URL.
    /// </summary>
    public static async Task<Organization> CreateAsync(HttpClient http, string operatorToken, string eventsUrl)
    {
        var id = (await SendAsync(http, operatorToken, HttpMethod.Post, "/api/v1/organizations", new { name = "Soak" }))
            ["id"]!.GetValue<long>();
        var path = $"/api/v1/organizations/{id}";
        var key = (await SendAsync(http, operatorToken, HttpMethod.Post, $"{path}/api-keys",
            new { name = "soak", role = "admin" }))["key"]!.GetValue<string>();
        for (var g = 0; g < Soak.Groups; g++)
        {
            var group = (await SendAsync(http, key, HttpMethod.Post, $"{path}/groups", new { name = $"Team {g}" }))
                ["id"]!.GetValue<long>();
            await SendAsync(
                http, key, HttpMethod.Post, $"{path}/numbers", new { number = Soak.Group(g), groupId = group });
        }

        var agents = new long[Soak.Agents];
        for (var a = 0; a < Soak.Agents; a++)
        {
            agents[a] = (await SendAsync(http, key, HttpMethod.Post, $"{path}/agents",
                new { name = $"Agent {a}", email = $"agent{a}@soak.example.org", phone = Soak.Agent(a) }))
                ["id"]!.GetValue<long>();
        }

        var texted = DateTimeOffset.UtcNow.AddHours(-1);
        foreach (var chunk in Enumerable.Range(0, Soak.CallContacts).Chunk(5_000))
        {
            var messages = chunk.Select(c => new
            {
                id = $"p{c}",
                agentId = agents[c % Soak.Agents],
                contact = Soak.CallContact(c),
                from = Soak.Group(c % Soak.Groups),
                sentAt = texted,
            });
            await SendAsync(http, key, HttpMethod.Post, $"{path}/messages", new { messages });
        }

        var secret = (await SendAsync(http, key, HttpMethod.Put, $"{path}/call-events", new { url = eventsUrl }))
            ["secret"]!.GetValue<string>();
        return new Organization(id, key, secret) { AgentIds = agents };
    }

    public required long[] AgentIds { get; init; }

    public string Path => $"/api/v1/organizations/{Id}";

    private static async Task<JsonNode> SendAsync(
        HttpClient http, string token, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    }

    public static ByteArrayContent JsonContent(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
