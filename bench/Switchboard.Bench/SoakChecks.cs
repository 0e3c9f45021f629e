using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

/// <summary>
/// The organization's texting platform: a real HTTP server on loopback that checks each call event's signature
/// (docs/call-events.md) and keeps the events it took, by id. A duplicate (a resend after a lost answer) is counted,
/// not kept twice, as receivers de-duplicate on the id.
/// </summary>
internal sealed class SoakReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SoakReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/events";
    }

    public string Url { get; }

    public string Secret { get; set; } = "";

    /// <summary>Event id → (type, CallSid, outcome) as the event said.</summary>
    public ConcurrentDictionary<string, (string Type, string CallSid, string Outcome)> Events { get; } = new();

    public long Duplicates;
    public long BadSignatures;

    public static async Task<SoakReceiver> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new SoakReceiver(app, port);
        app.MapPost("/events", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret),
            Encoding.UTF8.GetBytes($"{request.Headers["Switchboard-Timestamp"]}.{body}"));
        if (!CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(mac)),
                Encoding.ASCII.GetBytes(request.Headers["Switchboard-Signature"].ToString())))
        {
            Interlocked.Increment(ref BadSignatures);
            return Results.Unauthorized();
        }

        var json = JsonNode.Parse(body)!;
        var call = json["call"]!;
        var seen = (json["type"]!.GetValue<string>(), call["callSid"]!.GetValue<string>(),
            call["outcome"]!.GetValue<string>());
        if (!Events.TryAdd(json["id"]!.GetValue<string>(), seen))
        {
            Interlocked.Increment(ref Duplicates);
        }

        return Results.NoContent();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

internal sealed record Check(string Name, bool Passed, string Detail);

/// <summary>What must hold at the end, read from the database and the receiver.</summary>
internal static class Checks
{
    public static async Task<List<Check>> RunAsync(
        string database, string[] appLogs, Organization org, Run run, SoakReceiver receiver)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        var records = new Dictionary<string, (long Id, string? Outcome)>();
        const string calls = """SELECT "CallSid", "Id", "Outcome" FROM "Calls" WHERE "OrganizationId" = $1""";
        await foreach (var row in ReadAsync(db, calls, org.Id))
        {
            records[row.GetString(0)] = (row.GetInt64(1), row.IsDBNull(2) ? null : row.GetString(2));
        }

        var outbox = new List<string>();
        const string events = """SELECT "EventId" FROM "CallEvents" WHERE "OrganizationId" = $1""";
        await foreach (var row in ReadAsync(db, events, org.Id))
        {
            outbox.Add(row.GetGuid(0).ToString());
        }

        long messagesStored = 0;
        await foreach (var row in ReadAsync(db,
            """SELECT count(*) FROM "MessageEvents" WHERE "OrganizationId" = $1 AND "ExternalId" LIKE 'm%'""", org.Id))
        {
            messagesStored = row.GetInt64(0);
        }

        // A webhook past its budget is logged with its path, which names the call: its outcome is not the walk's.
        var overruns = appLogs.SelectMany(File.ReadLines)
            .Where(l => l.Contains("outlasted its", StringComparison.Ordinal)).ToList();
        var pastBudgetIds = overruns.Select(l => Regex.Match(l, "/calls/([0-9]+)/")).Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
        var checkedCalls = run.Expected.Where(e => !run.PastBudget.ContainsKey(e.Key)
            && !(records.TryGetValue(e.Key, out var r) && pastBudgetIds.Contains(r.Id))).ToList();
        var wrongOutcomes = checkedCalls.Where(e => records.TryGetValue(e.Key, out var r) && r.Outcome != e.Value)
            .ToList();
        foreach (var (sid, outcome) in wrongOutcomes.Take(5))
        {
            run.WrongSamples.Enqueue($"record {sid}: {records[sid].Outcome} instead of {outcome}");
        }

        var unrecorded = run.Routed.Keys.Count(sid => !records.ContainsKey(sid));
        var over = records.Where(r => r.Value.Outcome is not null).ToList();
        var eventsOfCall = receiver.Events.Values.ToLookup(e => e.CallSid);
        var withoutOneEvent = over.Count(r => eventsOfCall[r.Key].Count() != 1);
        var saidOtherwise = over.Where(r => eventsOfCall[r.Key].Any(e => !Matches(e.Type, e.Outcome, r.Value.Outcome!)))
            .ToList();
        var eventsSayingOtherwise = saidOtherwise.Count;
        foreach (var (sid, record) in saidOtherwise.Take(5))
        {
            var said = eventsOfCall[sid].First();
            run.WrongSamples.Enqueue(
                $"event of {sid} (call {record.Id}): {said.Type} {said.Outcome}, record {record.Outcome}");
        }

        var eventsMissing = outbox.Count(id => !receiver.Events.ContainsKey(id));
        var unknownEvents = receiver.Events.Keys.Except(outbox).Count();
        var wrongAnswers = run.Wrong.Sum(w => w.Value);
        var pastBudget = run.PastBudgetAnswers.Sum(w => w.Value);
        return
        [
            new("no 5xx answer", run.Latency.ServerErrors == 0, $"{run.Latency.ServerErrors} answers 5xx"),
            new("no wrong answer", wrongAnswers == 0, wrongAnswers == 0
                ? $"{run.Requests:N0} webhook answers checked"
                : string.Join("; ", run.Wrong.Select(w => $"{w.Key}: {w.Value}"))),
            new("no webhook past its answer budget", overruns.Count == 0,
                $"{overruns.Count} logged by the instances; answers seen: " +
                (pastBudget == 0
                    ? "none"
                    : string.Join("; ", run.PastBudgetAnswers.Select(w => $"{w.Key}: {w.Value}")))),
            new("every routed call has its record", unrecorded == 0,
                $"{run.Routed.Count:N0} calls routed, {unrecorded} without a record ({records.Count:N0} records)"),
            new("every call walked without an apology has the walk's outcome", wrongOutcomes.Count == 0,
                $"{checkedCalls.Count:N0} of {run.CallsStarted:N0} calls checked, {wrongOutcomes.Count} with another " +
                "outcome"),
            new("every call over has one event, and it says the record's outcome",
                withoutOneEvent == 0 && eventsSayingOtherwise == 0 && outbox.Count == over.Count,
                $"{over.Count:N0} calls over, {outbox.Count:N0} events in the outbox; " +
                $"{withoutOneEvent} calls without " +
                $"exactly one event received, {eventsSayingOtherwise} events saying another outcome"),
            new("every call event at the receiver, signed", eventsMissing == 0 && unknownEvents == 0
                && receiver.BadSignatures == 0,
                $"{receiver.Events.Count:N0} received ({eventsMissing} missing, {unknownEvents} unknown, " +
                $"{receiver.BadSignatures} badly signed, {receiver.Duplicates} duplicates)"),
            new("every message event stored",
                messagesStored == run.MessagesSent && run.MessagesAccepted == run.MessagesSent,
                $"{run.MessagesSent:N0} sent, {run.MessagesAccepted:N0} accepted, {messagesStored:N0} stored"),
        ];
    }

    private static async IAsyncEnumerable<NpgsqlDataReader> ReadAsync(NpgsqlConnection db, string sql, long org)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue(org);
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            yield return rows;
        }
    }

    /// <summary>
    /// Whether the event's type and outcome word fit the record's outcome
    /// ("AgentDeclined": call.missed, agentDeclined).
    /// </summary>
    private static bool Matches(string type, string outcome, string recordOutcome)
    {
        var expected = recordOutcome switch
        {
            "Connected" or "Forwarded" => "call.completed",
            "Rejected" => "call.rejected",
            _ => "call.missed",
        };
        return type == expected && outcome == char.ToLowerInvariant(recordOutcome[0]) + recordOutcome[1..];
    }
}
