using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Switchboard.Observability;

/// <summary>
/// OpenTelemetry: Switchboard's own meter beside the runtime's (GC, thread pool, locks), ASP.NET Core's, HttpClient's
/// and Npgsql's instruments, scraped by Prometheus at <c>/metrics</c>; traces and an OTLP copy of everything when the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> variables name a collector.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddSwitchboardTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SwitchboardMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("switchboard"))
            .WithMetrics(metrics => metrics
                .AddMeter(SwitchboardMetrics.MeterName)
                // .NET's own meter: GC pauses, thread pool queue, lock contention — why an instance falls behind.
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());

        // Traces only go somewhere through OTLP: without a collector they would cost every request for nothing.
        if (OtlpConfigured(builder.Configuration))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(o =>
                        o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    // EF Core's own spans for SQLite; on PostgreSQL Npgsql's spans already hold each command.
                    .AddEntityFrameworkCoreInstrumentation(o =>
                        o.Filter = (provider, _) => provider?.Contains("Npgsql", StringComparison.Ordinal) != true))
                .UseOtlpExporter();
        }

        if (builder.Configuration.GetValue<int?>(MetricsOptions.PortKey) is { } port)
        {
            ListenForMetrics(builder, port);
        }

        return builder;
    }

    /// <summary>
    /// Before everything else: on the metrics port (when set) only <c>/metrics</c> answers, to anyone who can reach
    /// that port, so an operator keeps it on a private network.
    /// </summary>
    public static IApplicationBuilder UseMetricsPort(this WebApplication app)
    {
        if (MetricsPort(app) is not { } port)
        {
            return app;
        }

        return app.MapWhen(http => http.Connection.LocalPort == port, metrics =>
        {
            metrics.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Request.Path == MetricsPath);
            metrics.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>
    /// Without a metrics port, <c>/metrics</c> on the app's own port; the caller guards it (the operator token).
    /// Null when the metrics have a port of their own.
    /// </summary>
    public static IEndpointConventionBuilder? MapMetrics(this WebApplication app)
    {
        // The instruments are made now, not inside the first webhook's answer budget.
        app.Services.GetRequiredService<SwitchboardMetrics>();
        return MetricsPort(app) is null
            ? app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            : null;
    }

    private static int? MetricsPort(WebApplication app) => app.Configuration.GetValue<int?>(MetricsOptions.PortKey);

    private static bool OtlpConfigured(IConfiguration configuration) =>
        configuration.AsEnumerable().Any(setting =>
            setting.Key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.OrdinalIgnoreCase) &&
            setting.Key.EndsWith("ENDPOINT", StringComparison.OrdinalIgnoreCase) &&
            !string.IsNullOrWhiteSpace(setting.Value));

    /// <summary>
    /// The metrics port comes on top of the app's own addresses. Addresses given in code replace those of <c>urls</c>
    /// and <c>http_ports</c>, so these are carried over into the new list; addresses under <c>Kestrel:Endpoints</c>
    /// are kept by Kestrel beside one given in code.
    /// </summary>
    private static void ListenForMetrics(WebApplicationBuilder builder, int port)
    {
        var configuration = builder.Configuration;
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
            return;
        }

        var separators = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        string[] addresses = configuration["urls"]?.Split(';', separators) is { Length: > 0 } urls
            ? urls
            : [
                .. configuration["http_ports"]?.Split(';', separators).Select(p => $"http://*:{p}") ?? [],
                .. configuration["https_ports"]?.Split(';', separators).Select(p => $"https://*:{p}") ?? [],
            ];
        builder.WebHost.UseUrls([.. addresses.Length > 0 ? addresses : ["http://localhost:5000"], $"http://*:{port}"]);
    }
}

public sealed class MetricsOptions
{
    public const string PortKey = "Switchboard:Metrics:Port";

    /// <summary>
    /// A port of its own for <c>/metrics</c>, open without a token; unset: <c>/metrics</c> on the app's port, operator
    /// token only.
    /// </summary>
    public int? Port { get; set; }
}
