using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Npgsql;
using Switchboard.Twilio;

/// <summary>
/// The soak's load: calls started at a fixed rate and walked as Twilio walks them, and message events in batches at
/// a fixed rate; each request goes to the next instance in turn, as behind a load balancer. Every answer is checked;
/// a call or batch that cannot start because too many are still in flight is counted as not started (the rate was
/// not sustained), never queued. Both rates rise from 0 over the ramp, as a load balancer's slow start brings new
/// instances in, then hold.
/// </summary>
internal sealed class Run(Instance[] instances, string authToken, Organization org, TimeSpan length, TimeSpan ramp)
{
    private const int MaxCallsInFlight = 4_000;
    private const int MaxBatchesInFlight = 16;

    private long _instanceTurn;
    private long _callsInFlight;
    private long _batchesInFlight;
    private readonly ConcurrentBag<Task> _walks = [];
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public TimeSpan Length => length;

    public TimeSpan Ramp => ramp;

    public Instance[] Instances => instances;

    public LatencyLog Latency { get; } = new(instances.Length);

    /// <summary>Every call walked to its end: CallSid → the outcome its record must show.</summary>
    public ConcurrentDictionary<string, string> Expected { get; } = new();

    /// <summary>Wrong answers (verb, target, 5xx, transport errors), counted by what went wrong; a few kept.</summary>
    public ConcurrentDictionary<string, long> Wrong { get; } = new();

    public ConcurrentQueue<string> WrongSamples { get; } = new();

    /// <summary>
    /// Calls with an answer that was the webhook's own apology for outlasting its answer budget (docs/provider.md):
    /// the work behind it may not have been done, so their outcome is not checked against the walk's.
    /// </summary>
    public ConcurrentDictionary<string, bool> PastBudget { get; } = new();

    public ConcurrentDictionary<string, long> PastBudgetAnswers { get; } = new();

    /// <summary>Calls whose voice webhook was answered with routing markup: each must have a record.</summary>
    public ConcurrentDictionary<string, bool> Routed { get; } = new();

    public long CallsStarted;
    public long CallsNotStarted;
    public long Requests;
    public long MessagesSent;
    public long MessagesAccepted;
    public long BatchesNotStarted;

    public async Task CallsAsync(int perSecond, CancellationToken stop)
    {
        var started = 0L;
        while (!stop.IsCancellationRequested)
        {
            var due = Due(perSecond);
            for (; started < due; started++)
            {
                if (Interlocked.Read(ref _callsInFlight) >= MaxCallsInFlight)
                {
                    Interlocked.Increment(ref CallsNotStarted);
                    continue;
                }

                Interlocked.Increment(ref _callsInFlight);
                _walks.Add(WalkAsync(started));
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    public async Task MessagesAsync(int perSecond, CancellationToken stop)
    {
        // Ten batches a second; the contacts are others than the callers', so the calls' right agent never changes.
        var perBatch = Math.Max(1, perSecond / 10);
        var batches = new List<Task>();
        var sent = 0L;
        var batch = 0L;
        while (!stop.IsCancellationRequested)
        {
            for (; batch < Due(10); batch++)
            {
                if (Interlocked.Read(ref _batchesInFlight) >= MaxBatchesInFlight)
                {
                    Interlocked.Increment(ref BatchesNotStarted);
                    continue;
                }

                Interlocked.Increment(ref _batchesInFlight);
                batches.Add(SendBatchAsync(sent, perBatch));
                sent += perBatch;
            }

            batches.RemoveAll(b => b.IsCompleted);
            await Task.Delay(10, CancellationToken.None);
        }

        await Task.WhenAll(batches);
    }

    /// <summary>How many of a load at <paramref name="perSecond"/> are due by now: the rate rises linearly from 0 over
    /// the ramp, then holds.</summary>
    private long Due(double perSecond)
    {
        var (t, r) = (Clock.Elapsed.TotalSeconds, ramp.TotalSeconds);
        return (long)(perSecond * (t < r ? t * t / (2 * r) : t - r / 2));
    }

    public async Task DrainAsync()
    {
        while (Interlocked.Read(ref _callsInFlight) > 0)
        {
            await Task.Delay(100);
        }

        await Task.WhenAll(_walks);
    }

    private async Task SendBatchAsync(long first, int count)
    {
        try
        {
            var now = DateTimeOffset.UtcNow;
            var messages = Enumerable.Range(0, count).Select(i => first + i).Select(n => new
            {
                id = $"m{_runId}-{n}",
                agentId = org.AgentIds[n % Soak.Agents],
                contact = Soak.MessageContact((int)(n % Soak.MessageContacts)),
                from = Soak.Group((int)(n % Soak.Groups)),
                sentAt = now,
            });
            var (instance, http) = Next();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{org.Path}/messages")
            {
                Content = Organization.JsonContent(new { messages }),
            };
            request.Headers.Authorization = new("Bearer", org.AdminKey);
            Interlocked.Add(ref MessagesSent, count);
            var begun = Clock.Elapsed;
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Latency.Add(instance, begun, Clock.Elapsed, (int)response.StatusCode, ingestion: true);
            if (!response.IsSuccessStatusCode)
            {
                Fail("ingestion " + (int)response.StatusCode, text);
                return;
            }

            var accepted = JsonNode.Parse(text)!["accepted"]!.GetValue<long>();
            Interlocked.Add(ref MessagesAccepted, accepted);
            if (accepted != count)
            {
                Fail("ingestion accepted fewer", $"{accepted} of {count}");
            }
        }
        catch (Exception e)
        {
            Fail("ingestion error " + e.GetType().Name, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _batchesInFlight);
        }
    }

    /// <summary>
    /// One call as Twilio walks it: the voice webhook, the agent leg's status and screening prompt, the key press,
    /// the dial's action and the caller's final status; each answer must be the right markup.
    /// </summary>
    private async Task WalkAsync(long n)
    {
        await Task.Yield();
        Interlocked.Increment(ref CallsStarted);
        var kind = Soak.KindOf(n);
        var contact = (int)(n * 7919 % Soak.CallContacts);
        var callSid = $"CA{_runId}{n:x24}";
        var agentSid = $"CA{_runId}{n:x23}a";
        var number = Soak.Group(kind == Soak.Kind.Stranger ? (int)(n % Soak.Groups) : contact % Soak.Groups);
        try
        {
            var voice = await PostAsync("/webhooks/twilio/voice", new()
            {
                ["CallSid"] = callSid,
                ["AccountSid"] = "ACsoak",
                ["From"] = kind == Soak.Kind.Stranger ? Soak.Stranger(n) : Soak.CallContact(contact),
                ["To"] = number,
                ["CallStatus"] = "ringing",
                ["Direction"] = "inbound",
                ["ApiVersion"] = "2010-04-01",
            });
            if (kind == Soak.Kind.Stranger)
            {
                if (!Expect(voice, "voice: Reject", Verbs(voice) == "Reject", VoiceFallback, callSid))
                {
                    return;
                }

                Routed[callSid] = true;
            }
            else
            {
                var dial = voice?.Root?.Element("Dial");
                var target = dial?.Element("Number");
                var agent = Soak.Agent(contact % Soak.Agents);
                if (!Expect(voice, "voice: Dial to the contact's agent",
                        Verbs(voice) == "Dial" && target?.Value == agent
                        && (string?)dial!.Attribute("callerId") == number,
                        VoiceFallback, callSid))
                {
                    return;
                }

                Routed[callSid] = true;

                await WalkAgentLegAsync(kind, callSid, agentSid, contact, dial!, target!);
            }

            var final = await PostAsync("/webhooks/twilio/status", new()
            {
                ["CallSid"] = callSid,
                ["AccountSid"] = "ACsoak",
                ["CallStatus"] = "completed",
                ["CallDuration"] = "75",
            });
            if (Expect(final, "caller status: empty Response", Verbs(final) == "", TwiML.Empty(), callSid))
            {
                Expected[callSid] = Soak.Expected(kind).Outcome;
            }
        }
        catch (Exception e)
        {
            Fail("call error " + e.GetType().Name, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _callsInFlight);
        }
    }

    private async Task WalkAgentLegAsync(Soak.Kind kind, string callSid, string agentSid, int contact, XElement dial,
        XElement target)
    {
        var statusUrl = (string)target.Attribute("statusCallback")!;
        var leg = new Dictionary<string, string>
        {
            ["CallSid"] = agentSid,
            ["ParentCallSid"] = callSid,
            ["AccountSid"] = "ACsoak",
        };
        Expect(await PostAsync(statusUrl, new(leg) { ["CallStatus"] = "ringing" }), "leg ringing: empty", IsEmpty,
            callSid);
        if (kind != Soak.Kind.NoAnswer)
        {
            var prompt = await PostAsync((string)target.Attribute("url")!, new(leg) { ["CallStatus"] = "in-progress" });
            var gather = prompt?.Root?.Element("Gather");
            // The agent hears who calls, never the contact's digits.
            var digits = Soak.CallContact(contact)[^4..];
            if (!Expect(prompt, "screen: Gather without the contact's number",
                    gather is not null && !gather.Value.Contains(digits, StringComparison.Ordinal), TwiML.Hangup(),
                    callSid))
            {
                return;
            }

            var pressed = await PostAsync((string)gather!.Attribute("action")!,
                new(leg) { ["CallStatus"] = "in-progress", ["Digits"] = kind == Soak.Kind.Accept ? "1" : "2" });
            Expect(pressed, "screened: empty on 1, Hangup on 2",
                Verbs(pressed) == (kind == Soak.Kind.Accept ? "" : "Hangup"), TwiML.Hangup(), callSid);
        }

        var legEnd = kind == Soak.Kind.NoAnswer ? "no-answer" : "completed";
        var status = new Dictionary<string, string>(leg) { ["CallStatus"] = legEnd, ["CallDuration"] = "60" };
        Expect(await PostAsync(statusUrl, status), "leg end: empty", IsEmpty, callSid);
        var ended = await PostAsync((string)dial.Attribute("action")!, new()
        {
            ["CallSid"] = callSid,
            ["AccountSid"] = "ACsoak",
            ["CallStatus"] = "in-progress",
            ["DialCallStatus"] = legEnd,
            ["DialCallSid"] = agentSid,
            ["DialBridged"] = kind == Soak.Kind.Accept ? "true" : "false",
            ["DialCallDuration"] = kind == Soak.Kind.Accept ? "60" : "0",
        });
        Expect(ended, kind == Soak.Kind.Accept ? "dial ended: Hangup" : "dial ended: Say, Hangup",
            Verbs(ended) == (kind == Soak.Kind.Accept ? "Hangup" : "Say Hangup"), DialEndedFallback, callSid);
    }

    private static bool IsEmpty(XDocument? answer) => Verbs(answer) == "";

    private bool Expect(XDocument? answer, string what, Func<XDocument?, bool> check, string callSid) =>
        Expect(answer, what, check(answer), TwiML.Empty(), callSid);

    /// <summary>
    /// Whether the answer is the right one; a wrong one is counted, apart from the webhook's apology for outlasting
    /// its budget (a slow machine, not a wrong decision).
    /// </summary>
    private bool Expect(XDocument? answer, string what, bool right, string fallback, string callSid)
    {
        if (!right && answer is not null)
        {
            if (XNode.DeepEquals(answer.Root, XDocument.Parse(fallback).Root))
            {
                PastBudget[callSid] = true;
                PastBudgetAnswers.AddOrUpdate(what, 1, (_, count) => count + 1);
            }
            else
            {
                Fail("wrong answer: " + what, answer.ToString(SaveOptions.DisableFormatting));
            }
        }

        return right && answer is not null;
    }

    private static readonly string VoiceFallback = TwiML.SayThenHangup(Switchboard.Providers.Spoken.Error);

    private static readonly string DialEndedFallback = TwiML.SayThenHangup(Switchboard.Providers.Spoken.Unavailable);

    /// <summary>The verbs of a TwiML answer, in order ("Say Hangup"), or "" for an empty Response.</summary>
    private static string Verbs(XDocument? answer) =>
        string.Join(' ', answer?.Root?.Elements().Select(e => e.Name.LocalName) ?? ["?"]);

    /// <summary>A signed webhook to the next instance; null (and counted) unless a 200 with TwiML came back.</summary>
    private async Task<XDocument?> PostAsync(string pathOrUrl, Dictionary<string, string> form)
    {
        var url = pathOrUrl.StartsWith("https://", StringComparison.Ordinal) ? pathOrUrl : Soak.PublicUrl(pathOrUrl);
        var (instance, http) = Next();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery)
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(authToken, url, form));
        var begun = Clock.Elapsed;
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Interlocked.Increment(ref Requests);
        Latency.Add(instance, begun, Clock.Elapsed, (int)response.StatusCode, ingestion: false);
        if (response.StatusCode != System.Net.HttpStatusCode.OK
            || response.Content.Headers.ContentType?.MediaType != "text/xml")
        {
            Fail($"webhook {(int)response.StatusCode}", $"{new Uri(url).AbsolutePath}: {body}");
            return null;
        }

        return XDocument.Parse(body);
    }

    private (int Index, HttpClient Http) Next()
    {
        var index = (int)(Interlocked.Increment(ref _instanceTurn) % instances.Length);
        return (index, instances[index].Http);
    }

    private void Fail(string what, string detail)
    {
        // The first three of each kind of failure are kept as they came.
        if (Wrong.AddOrUpdate(what, 1, (_, count) => count + 1) <= 3)
        {
            WrongSamples.Enqueue($"{what}: {detail[..Math.Min(300, detail.Length)]}");
        }
    }
}

/// <summary>Latencies per instance and minute, webhooks and ingestion apart.</summary>
internal sealed class LatencyLog(int instances)
{
    private readonly ConcurrentDictionary<(int Instance, int Minute, bool Ingestion), Bucket> _buckets = new();

    public void Add(int instance, TimeSpan begun, TimeSpan ended, int status, bool ingestion)
    {
        var bucket = _buckets.GetOrAdd((instance, (int)begun.TotalMinutes, ingestion), _ => new Bucket());
        lock (bucket)
        {
            bucket.Milliseconds.Add((float)(ended - begun).TotalMilliseconds);
            if (status >= 500)
            {
                bucket.ServerErrors++;
            }
        }
    }

    public int Instances => instances;

    /// <summary>Per minute and instance: requests, p50, p99, max (ms) and 5xx answers.</summary>
    public JsonArray Minutes(bool ingestion)
    {
        var rows = new JsonArray();
        foreach (var ((instance, minute, _), bucket) in _buckets.Where(b => b.Key.Ingestion == ingestion)
                     .OrderBy(b => b.Key.Minute).ThenBy(b => b.Key.Instance))
        {
            var sorted = bucket.Milliseconds.Order().ToArray();
            rows.Add(new JsonObject
            {
                ["minute"] = minute,
                ["instance"] = instance,
                ["requests"] = sorted.Length,
                ["p50Ms"] = Math.Round(Percentile(sorted, 0.50), 2),
                ["p99Ms"] = Math.Round(Percentile(sorted, 0.99), 2),
                ["maxMs"] = Math.Round(sorted.Length == 0 ? 0 : sorted[^1], 1),
                ["serverErrors"] = bucket.ServerErrors,
            });
        }

        return rows;
    }

    public long ServerErrors => _buckets.Values.Sum(b => (long)b.ServerErrors);

    private static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed class Bucket
    {
        public List<float> Milliseconds { get; } = [];

        public int ServerErrors { get; set; }
    }
}

/// <summary>Each instance's resident memory (VmRSS) every 5 s, with the machine's load average.</summary>
/// <summary>Every 5 s: each instance's RSS, the machine's load, and how many database sessions wait on a lock (calls
/// queueing behind a row another transaction holds).</summary>
internal sealed class RssSampler(int[] pids, Stopwatch clock, string database)
{
    public ConcurrentQueue<JsonObject> Samples { get; } = new();

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var sample = new JsonObject { ["second"] = Math.Round(clock.Elapsed.TotalSeconds) };
            sample["rssMb"] = new JsonArray(pids.Select(p => (JsonNode)RssMb(p)).ToArray());
            sample["loadavg1"] =
                double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
            sample["sessionsWaitingOnLocks"] = await WaitingOnLocksAsync();
            Samples.Enqueue(sample);
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(stop)
                .ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<long> WaitingOnLocksAsync()
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static double RssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status")
            .FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture) / 1024.0, 1);
    }
}
