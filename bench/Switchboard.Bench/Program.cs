using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Twilio;

const int BatchSize = 10_000;

// Fills a running Switchboard through its own admin API, then writes signed voice webhooks for wrk.
//   generate --url U --operator-token T --auth-token A --public-base-url P --scale 100k|1m|10m --out DIR
var options = Args.Parse(args);
// bench/soak.sh: --soak true drives two running instances (see Soak).
if (options.Get("soak", "false") == "true")
{
    await Soak.RunAsync(options);
    return;
}

var scale = options.Get("scale", "100k");
var events = scale switch
{
    "100k" => 100_000,
    "1m" => 1_000_000,
    "10m" => 10_000_000,
    _ => throw new ArgumentException($"--scale must be 100k, 1m or 10m, not {scale}"),
};
var shape = new Shape(Groups: 200, Inboxes: 2, Agents: 5_000, Contacts: events / 10, Events: events);
var outDir = Directory.CreateDirectory(options.Get("out", "bench/results/work")).FullName;
var http = new HttpClient { BaseAddress = new Uri(options.Get("url")), Timeout = TimeSpan.FromMinutes(5) };
var parallel = int.Parse(options.Get("parallel", "2"), CultureInfo.InvariantCulture);

// The call report: --fill-calls N stores N call records in bulk; --time-report true times the report (see
// CallReportBench).
if (options.Get("fill-calls", "") != "")
{
    await CallReportBench.FillAsync(http, options, outDir);
    return;
}

if (options.Get("time-report", "false") == "true")
{
    await CallReportBench.TimeAsync(http, options, outDir);
    return;
}

// --requests-only true: the store is already filled (same scale, same seed); write fresh requests only.
var requestsOnly = options.Get("requests-only", "false") == "true";
var eventContact = new int[shape.Events];
var eventGroup = new short[shape.Events];
var random = new Random(42);
for (var e = 0; e < shape.Events; e++)
{
    eventContact[e] = random.Next(shape.Contacts);
    eventGroup[e] = (short)random.Next(shape.Groups);
}

var accepted = 0L;
var ingestSeconds = 0.0;
// The server's CPU time during the ingestion alone (not the set-up's thousands of agents), when bench/run.sh names it.
var serverPid = options.Get("server-pid", "");
long? ingestServerCpuMs = null;
if (!requestsOnly)
{
var setup = Stopwatch.StartNew();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Get("operator-token"));
var orgId = (await Api.Post(http, "/api/v1/organizations", new { name = $"Bench {scale}" }))["id"]!.GetValue<long>();
var adminKey = (await Api.Post(
    http,
    $"/api/v1/organizations/{orgId}/api-keys",
    new { name = "bench", role = "admin" }))["key"]!.GetValue<string>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
var org = $"/api/v1/organizations/{orgId}";

var groupIds = new long[shape.Groups];
for (var g = 0; g < shape.Groups; g++)
{
    groupIds[g] = (await Api.Post(http, $"{org}/groups", new { name = $"Group {g}" }))["id"]!.GetValue<long>();
    await Api.Post(http, $"{org}/numbers", new { number = Numbers.Group(g), groupId = groupIds[g] });
}

for (var i = 0; i < shape.Inboxes; i++)
{
    var inbox = (await Api.Post(http, $"{org}/inboxes", new { name = $"Inbox {i}" }))["id"]!.GetValue<long>();
    await Api.Post(http, $"{org}/numbers", new { number = Numbers.Inbox(i), inboxId = inbox });
}

var agentIds = new long[shape.Agents];
await Parallel.ForEachAsync(
    Enumerable.Range(0, shape.Agents),
    new ParallelOptions { MaxDegreeOfParallelism = 4 },
    async (a, _) =>
        agentIds[a] = (await Api.Post(
            http,
            $"{org}/agents",
            new { name = $"Agent {a}", email = $"agent{a}@bench.example.org", phone = Numbers.Agent(a) }))["id"]!
            .GetValue<long>());
Console.WriteLine(
    $"set-up: 1 organization, {shape.Groups} groups, {shape.Inboxes} inboxes, {shape.Agents} agents " +
    $"in {setup.Elapsed.TotalSeconds:F1} s");

// Message events: deterministic, in batches as the API takes them, `parallel` batches in flight.
var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
var ingestion = Stopwatch.StartNew();
var cpuBefore = ServerCpu.Ms(serverPid);
await Parallel.ForEachAsync(
    Enumerable.Range(0, (shape.Events + BatchSize - 1) / BatchSize),
    new ParallelOptions { MaxDegreeOfParallelism = parallel },
    async (b, ct) =>
    {
        var first = b * BatchSize;
        var count = Math.Min(BatchSize, shape.Events - first);
        var body = Batches.Json(
            first,
            count,
            e => (agentIds[(int)((long)e * 7919 % shape.Agents)], Numbers.Contact(eventContact[e]), Numbers.Group(
                eventGroup[e]), epoch.AddSeconds(e)));
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync($"{org}/messages", content, ct);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"batch {b}: {(int)response.StatusCode} {answer}");
        }

        Interlocked.Add(ref accepted, answer["accepted"]!.GetValue<long>());
    });
ingestSeconds = ingestion.Elapsed.TotalSeconds;
ingestServerCpuMs = ServerCpu.Ms(serverPid) - cpuBefore;
// The routing load stores a call record per request: bench/run.sh times the call report over those afterwards.
await File.WriteAllTextAsync(
    Path.Combine(outDir, "report-org.json"),
    JsonSerializer.Serialize(new { orgId, adminKey }));
Console.WriteLine($"ingestion: {accepted:N0} events in {ingestSeconds:F1} s = {accepted / ingestSeconds:N0} events/s");
}

// Signed voice webhooks for wrk: 90 % (contact, number) pairs that were texted (→ Dial), 10 % to a number
// that is no platform number (→ Reject). Every request has its own CallSid, as real calls do.
var requests = int.Parse(options.Get("requests", "400000"), CultureInfo.InvariantCulture);
var authToken = options.Get("auth-token");
var voiceUrl = options.Get("public-base-url").TrimEnd('/') + "/webhooks/twilio/voice";
var lines = new StringBuilder();
var pick = new Random(7);
for (var r = 0; r < requests; r++)
{
    var texted = pick.Next(10) != 0;
    var e = pick.Next(shape.Events);
    var form = new Dictionary<string, string>
    {
        ["CallSid"] = $"CA{r:x8}{Guid.NewGuid():N}"[..34],
        ["AccountSid"] = "ACbench",
        ["From"] = Numbers.Contact(eventContact[e]),
        ["To"] = texted ? Numbers.Group(eventGroup[e]) : Numbers.Unknown(pick.Next(10_000)),
        ["CallStatus"] = "ringing",
        ["Direction"] = "inbound",
    };
    var body = string.Join('&', form.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
    lines.Append(TwilioSignature.Compute(authToken, voiceUrl, form))
        .Append('\t')
        .Append(texted ? "Dial" : "Reject")
        .Append('\t')
        .Append(body)
        .Append('\n');
}

await File.WriteAllTextAsync(Path.Combine(outDir, "voice-requests.tsv"), lines.ToString());
if (requestsOnly)
{
    return;
}

await File.WriteAllTextAsync(Path.Combine(outDir, "generate.json"), JsonSerializer.Serialize(new
{
    scale,
    organizations = 1,
    shape.Groups,
    shape.Inboxes,
    shape.Agents,
    shape.Contacts,
    shape.Events,
    acceptedEvents = accepted,
    ingestSeconds,
    eventsPerSecond = accepted / ingestSeconds,
    serverCpuMs = ingestServerCpuMs,
    batchSize = BatchSize,
    parallelBatches = parallel,
}));

/// <summary>A process's CPU time (user + system) from /proc, in ms; null without a pid.</summary>
internal static class ServerCpu
{
    public static long? Ms(string pid)
    {
        if (pid == "")
        {
            return null;
        }

        // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12],
            CultureInfo.InvariantCulture);
        return ticks * 1000 / 100; // /proc counts in USER_HZ, 100 a second on Linux
    }
}

internal sealed record Shape(int Groups, int Inboxes, int Agents, int Contacts, int Events);

internal static class Numbers
{
    public static string Group(int g) => $"+1202555{g:D4}";

    public static string Inbox(int i) => $"+1202556{i:D4}";

    public static string Unknown(int u) => $"+1202557{u:D4}";

    public static string Agent(int a) => $"+1646{a:D7}";

    public static string Contact(int c) => $"+1312{c:D7}";
}

internal static class Batches
{
    public static byte[] Json(
        int first,
        int count,
        Func<int, (long AgentId, string Contact, string From, DateTimeOffset SentAt)> item)
    {
        using var stream = new MemoryStream(count * 140);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            for (var e = first; e < first + count; e++)
            {
                var (agentId, contact, from, sentAt) = item(e);
                json.WriteStartObject();
                json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"e{e}"));
                json.WriteNumber("agentId", agentId);
                json.WriteString("contact", contact);
                json.WriteString("from", from);
                json.WriteString("sentAt", sentAt);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}

internal static class Api
{
    public static async Task<JsonNode> Post(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    }
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Args(values);
    }

    public string Get(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value)
            ? value
            : fallback ?? throw new ArgumentException($"--{name} is required");
}
