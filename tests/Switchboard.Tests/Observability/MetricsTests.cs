using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Observability;

/// <summary><c>/metrics</c> as Prometheus scrapes it, after real signed webhooks on the real app.</summary>
[Collection(AloneCollection.Name)]
[Trait("Database", "yes")]
public sealed partial class MetricsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Texted = "+14155550199";
    private const string Stranger = "+14155550188";
    private const string AgentPhone = "+14155550123";

    private readonly SwitchboardApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TheOperatorReadsRoutedCallsByOutcomeAndReasonWithoutAnyPhoneNumber()
    {
        var org = await TestOrganization.CreateAsync(_app);
        var group = await org.CreateGroupAsync();
        var agent = await org.CreateAgentAsync("Ada", AgentPhone);
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(agent, Texted, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        var provider = _app.Provider();

        var toAgent = await provider.CallAsync(Texted, GroupNumber);
        await provider.CallAsync(Stranger, GroupNumber);
        await provider.CallAsync(Stranger, GroupNumber);
        await provider.CallAsync(Stranger, "+14155550999");
        await provider.CallAsync(Stranger, "+14155550999");
        await provider.CallAsync(Stranger, "+14155550999");

        Assert.Contains("Dial", toAgent.Answer.Verbs);
        var scrape = await _app.Operator().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        var metrics = Parse(text);

        Assert.Equal(
            1,
            metrics.Sum(
                "switchboard_calls_routed_total",
                ("outcome", "connectAgent"),
                ("reason", "lastAgentByOrganization")));
        Assert.Equal(
            2,
            metrics.Sum("switchboard_calls_routed_total", ("outcome", "reject"), ("reason", "neverTextedFromGroup")));
        Assert.Equal(
            3,
            metrics.Sum("switchboard_calls_routed_total", ("outcome", "reject"), ("reason", "numberUnknown")));
        Assert.Equal(6, metrics.Sum("switchboard_calls_routed_total"));
        Assert.Equal(6, metrics.Sum("switchboard_webhook_duration_seconds_count", ("route", "/webhooks/twilio/voice")));
        Assert.Equal(0, metrics.Sum("switchboard_webhook_fallbacks_total"));
        Assert.Equal(1, metrics.Sum("switchboard_messages_ingested_total", ("result", "accepted")));
        // ASP.NET Core's own instruments come along, and the runtime's: why an instance falls behind under load.
        Assert.True(metrics.Sum("http_server_request_duration_seconds_count") > 0);
        Assert.True(metrics.Sum("dotnet_thread_pool_work_item_count_total") > 0);
        Assert.Contains("dotnet_gc_pause_time_seconds_total", text, StringComparison.Ordinal);

        // No phone number, key or secret in any label.
        foreach (var secret in new[]
        {
            "4155550",
            org.AdminKey,
            SwitchboardApp.OperatorToken,
            SwitchboardApp.AuthToken,
        })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MetricsAreRefusedWithoutTheOperatorTokenAndToAnAdminKey()
    {
        var org = await TestOrganization.CreateAsync(_app);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.WithBearer("not-a-key").GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Admin.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Operator().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task WithAMetricsPortTheMetricsAreServedThereOnlyAndNothingElseIs()
    {
        var metricsPort = FreePort();
        _app.Settings["urls"] = "http://127.0.0.1:0";
        _app.Settings["Switchboard:Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        _app.UseKestrel();
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var appAddress = addresses.Single(a => !a.EndsWith($":{metricsPort}", StringComparison.Ordinal));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", SwitchboardApp.OperatorToken);

        await new TwilioProvider(new HttpClient { BaseAddress = new Uri(appAddress) }).CallAsync(
            Stranger,
            "+14155550999");
        var scrape = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        var metrics = Parse(await scrape.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal(1, metrics.Sum("switchboard_calls_routed_total", ("reason", "numberUnknown")));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{appAddress}/metrics")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await http.GetAsync($"http://127.0.0.1:{metricsPort}/api/v1/organizations/1/agents")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await http.GetAsync($"http://127.0.0.1:{metricsPort}/healthz")).StatusCode);
    }

    [Fact]
    public async Task WithAnOtlpEndpointTracesAndMetricsGoToTheCollector()
    {
        var arrived = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            arrived.Enqueue(signal);
            return Results.Ok();
        });
        await collector.StartAsync();
        _app.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.Single();
        _app.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // Short batches, so the test waits for exports the way a collector receives them, not for the flush at stop
        // (which may give up on a busy machine).
        _app.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        _app.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "200";

        await _app.Provider().CallAsync(Stranger, "+14155550999");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(arrived.Contains("traces") && arrived.Contains("metrics")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("traces", arrived);
        Assert.Contains("metrics", arrived);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Scrape Parse(string text) =>
        new([.. text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => SampleLine().Match(line))
            .Where(match => match.Success)
            .Select(match => new Sample(
                match.Groups["name"].Value,
                Label()
                    .Matches(match.Groups["labels"].Value)
                    .ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
                double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)))]);

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    private sealed record Scrape(IReadOnlyList<Sample> Samples)
    {
        public double Sum(string name, params (string Key, string Value)[] labels) =>
            Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))
                .Sum(s => s.Value);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>\w+)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
