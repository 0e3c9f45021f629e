using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Support;

/// <summary>
/// An organization's texting platform receiving call events: a real HTTP server on a fixed loopback port that can
/// be down (not listening), answer 503, be slow, or take events. It keeps every request it got, and which events
/// it took (answered 2xx in time).
/// </summary>
public sealed class EventReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    private EventReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/switchboard/events";

    /// <summary>Every request that arrived, as it arrived.</summary>
    public ConcurrentQueue<Received> Arrived { get; } = new();

    /// <summary>The events it took: answered 2xx without keeping the sender waiting.</summary>
    public ConcurrentQueue<Received> Taken { get; } = new();

    /// <summary>When (wall-clock time) the sender gave up on a slow request and closed its connection.</summary>
    public ConcurrentQueue<DateTime> Abandoned { get; } = new();

    /// <summary>When set, each request is answered this status instead.</summary>
    public HttpStatusCode? Refusing { get; set; }

    /// <summary>When set, each request waits this long before its answer (longer than the sender waits: slow, or
    /// hanging until the sender gives up and closes the connection).</summary>
    public TimeSpan? Slowness { get; set; }

    /// <summary>The receiver listens on loopback, which Switchboard refuses unless the operator allows it.</summary>
    public const string AllowedNetworks = "Switchboard:CallEvents:AllowedNetworks:0";

    /// <summary>When set, the receiver answers every event with a redirect to this URL.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>Lets the app send events to loopback receivers such as this one.</summary>
    public static void AllowIn(IDictionary<string, string?> settings) => settings[AllowedNetworks] = "127.0.0.0/8";

    /// <summary>A receiver whose port is reserved but that is not listening yet (down).</summary>
    public static EventReceiver Down()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new EventReceiver(port);
    }

    public async Task UpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.MapPost("/switchboard/events", ReceiveAsync);
        await _app.StartAsync();
    }

    public async Task DownAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(DownAsync());

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var received = new Received(
            request.Headers["Switchboard-Event-Id"].ToString(),
            request.Headers["Switchboard-Timestamp"].ToString(),
            request.Headers["Switchboard-Signature"].ToString(),
            request.ContentType,
            await reader.ReadToEndAsync(),
            DateTime.UtcNow);
        Arrived.Enqueue(received);
        if (RedirectTo is { } target)
        {
            return Results.Redirect(target, permanent: false, preserveMethod: true);
        }

        if (Slowness is { } slowness)
        {
            try
            {
                await Task.Delay(slowness, request.HttpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender stopped waiting and closed the connection: nobody reads this answer.
                Abandoned.Enqueue(DateTime.UtcNow);
            }

            return Results.Ok();
        }

        if (Refusing is { } status)
        {
            return Results.StatusCode((int)status);
        }

        Taken.Enqueue(received);
        return Results.NoContent();
    }

    /// <summary>
    /// One request; <see cref="ArrivedAt"/> is wall-clock time, to measure how long an event took to arrive.
    /// </summary>
    public sealed record Received(
        string EventId,
        string Timestamp,
        string Signature,
        string? ContentType,
        string Body,
        DateTime ArrivedAt);
}
