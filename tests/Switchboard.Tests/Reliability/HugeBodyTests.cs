using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using Switchboard.Twilio;
using Xunit.Abstractions;

namespace Switchboard.Tests.Reliability;

/// <summary>
/// Bodies far over the limits, sent to a real Switchboard process the way an attacker would stream them (a declared
/// Content-Length of 64 MiB, or chunks without end): each is refused with a 413 that names the limit, the process
/// keeps answering, and its peak memory while refusing them stays within a small bound over its resting size.
/// </summary>
public sealed class HugeBodyTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>What each refused request offers: 8 times the limit.</summary>
    private const long HugeBytes = 64L * 1024 * 1024;

    /// <summary>
    /// How far the peak resident memory may rise over its resting size while the huge bodies are refused. A request is
    /// read up to the 8 MiB limit at most, as UTF-8 bytes and then, for JSON, as .NET strings (twice the size), and
    /// four of them run at once in the concurrent round: 4 × 8 MiB × 3 ≈ 96 MiB, plus some of what the GC keeps before
    /// it collects (37 MiB was measured on the 2-core machine). Without limits, a single one of these requests would
    /// buffer 64 MiB or more, and the whole set over 1 GiB.
    /// </summary>
    private const long PeakRiseBound = 128L * 1024 * 1024;

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"switchboard-huge-{Guid.NewGuid():N}.db");
    private SwitchboardProcess _process = null!;

    public async Task InitializeAsync()
    {
        _process = await SwitchboardProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Switchboard"] = $"Data Source={_database}",
            ["Switchboard:OperatorToken"] = SwitchboardApp.OperatorToken,
            ["Switchboard:Twilio:AuthToken"] = SwitchboardApp.AuthToken,
            ["Switchboard:Twilio:PublicBaseUrl"] = SwitchboardApp.PublicBaseUrl,
        });
    }

    public async Task DisposeAsync()
    {
        await _process.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }

    [Fact]
    public async Task BodiesFarOverTheLimitsAre413sNamingTheLimitAndMemoryStaysBounded()
    {
        var op = _process.Client(SwitchboardApp.OperatorToken);
        var org = await TestOrganization.ReadAsync(
            await op.PostAsJsonAsync("/api/v1/organizations", new { name = "Huge" }));
        var path = $"/api/v1/organizations/{org["id"]}";
        var key = (await TestOrganization.ReadAsync(
            await op.PostAsJsonAsync($"{path}/api-keys", new { name = "admin", role = "admin" })))["key"]!
            .GetValue<string>();
        await WarmUpAsync(_process.Client(key), path);
        var resting = Memory("VmRSS");
        ResetPeak();

        var targets = new (string Method, string Path, string? Bearer, string ContentType, string Prefix)[]
        {
            ("POST", $"{path}/messages", key, "application/json", "{\"messages\":[{\"id\":\""),
            ("POST", $"{path}/groups", key, "application/json", "{\"name\":\""),
            ("PUT", $"{path}/inbound-calls", key, "application/json", "{\"mode\":\"forward\",\"forwardTo\":\""),
            ("POST", "/api/v1/organizations", SwitchboardApp.OperatorToken, "application/json", "{\"name\":\""),
            ("POST", "/webhooks/twilio/voice", null, "application/x-www-form-urlencoded",
                "CallSid=CA1&From=%2B14155550199&To="),
        };
        var answers = new List<Answer>();
        foreach (var target in targets)
        {
            foreach (var chunked in new[] { false, true })
            {
                answers.Add(
                    await SendHugeAsync(
                        target.Method,
                        target.Path,
                        target.Bearer,
                        target.ContentType,
                        target.Prefix,
                        chunked));
            }
        }

        answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            SendHugeAsync("POST", targets[0].Path, key, targets[0].ContentType, targets[0].Prefix, chunked: true))));
        var peakRise = Memory("VmHWM") - resting;

        output.WriteLine(
            $"{answers.Count} huge requests, {answers.Sum(a => a.Sent) / 1024 / 1024} MiB sent before the refusals; " +
                $"resting RSS {resting / 1024 / 1024} MiB, peak rise {peakRise / 1024 / 1024} MiB " +
                $"(bound {PeakRiseBound / 1024 / 1024} MiB)");
        Assert.All(answers, a => Assert.True(a.Status == 413, $"{a.Path}: {a.Status} {a.Body}"));
        Assert.All(answers.Where(a => a.Path.StartsWith("/api/", StringComparison.Ordinal)), a =>
        {
            Assert.Contains("application/problem+json", a.Head);
            Assert.Contains(RequestLimits.MaxBodyBytes.ToString(CultureInfo.InvariantCulture), a.Body);
        });
        Assert.All(
            answers.Where(a => a.Path.StartsWith("/webhooks/", StringComparison.Ordinal)),
            a => Assert.Contains("<Response>", a.Body));
        Assert.True(peakRise < PeakRiseBound, $"the peak RSS rose {peakRise / 1024 / 1024} MiB");

        // Still answering, and still routing.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _process.Client().GetAsync("/healthz")).StatusCode);
        var call = await new TwilioProvider(_process.Client()).CallAsync("+14155550199", "+14155550177");
        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    private static async Task WarmUpAsync(HttpClient admin, string path)
    {
        for (var i = 0; i < 20; i++)
        {
            await TestOrganization.ReadAsync(
                await admin.PostAsJsonAsync($"{path}/groups", new { name = $"Warm-up {i}" }));
            await admin.PostAsync(
                $"{path}/messages",
                new StringContent(
                    "{\"messages\":[{\"id\":\"" + new string('x', 300) + "\"}]}",
                    Encoding.UTF8,
                    "application/json"));
        }
    }

    private sealed record Answer(string Path, int Status, string Head, string Body, long Sent);

    /// <summary>
    /// Streams a body of <see cref="HugeBytes"/> over a raw connection (HttpClient would not read an answer that comes
    /// before its body is sent), stopping as soon as the server answers or closes.
    /// </summary>
    private async Task<Answer> SendHugeAsync(
        string method,
        string path,
        string? bearer,
        string contentType,
        string prefix,
        bool chunked)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_process.Address.Host, _process.Address.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder(
            $"{method} {path} " +
            $"HTTP/1.1\r\nHost: {_process.Address.Authority}\r\nContent-Type: {contentType}\r\nConnection: close\r\n");
        if (bearer is not null)
        {
            head.Append($"Authorization: Bearer {bearer}\r\n");
        }
        else
        {
            var fields = new Dictionary<string, string> { ["CallSid"] = "CA1", ["From"] = "+14155550199", ["To"] = "" };
            var signature = TwilioSignature.Compute(
                SwitchboardApp.AuthToken,
                SwitchboardApp.PublicBaseUrl + path,
                fields);
            head.Append($"X-Twilio-Signature: {signature}\r\n");
        }

        head.Append(chunked ? "Transfer-Encoding: chunked\r\n\r\n" : $"Content-Length: {HugeBytes}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        var reading = ReadToEndAsync(stream);
        var block = Encoding.ASCII.GetBytes(prefix + new string('x', 64 * 1024 - prefix.Length));
        var filler = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        long sent = 0;
        try
        {
            while (sent < HugeBytes && !reading.IsCompleted)
            {
                var data = sent == 0 ? block : filler;
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"));
                    await stream.WriteAsync(data);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                else
                {
                    await stream.WriteAsync(data);
                }

                sent += data.Length;
            }
        }
        catch (IOException)
        {
            // The server answered and closed the connection while the body was still coming: what an attacker gets.
        }

        var answer = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var status = int.Parse(answer.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        return new Answer(path, status, answer[..Math.Max(split, 0)], split < 0 ? "" : answer[(split + 4)..], sent);
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (answer.Length > 0)
        {
            // A reset after the answer arrived.
        }

        return Encoding.UTF8.GetString(answer.ToArray());
    }

    /// <summary>
    /// A figure of the process's memory from /proc/{pid}/status, in bytes (VmRSS now, VmHWM its peak).
    /// </summary>
    private long Memory(string field)
    {
        var line = File.ReadLines($"/proc/{_process.ProcessId}/status")
            .Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(
            line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// Linux: writing 5 to clear_refs resets the process's peak resident size (VmHWM) to its current one.
    /// </summary>
    private void ResetPeak() => File.WriteAllText($"/proc/{_process.ProcessId}/clear_refs", "5");
}
