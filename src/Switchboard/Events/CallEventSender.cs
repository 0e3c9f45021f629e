using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Network;
using Switchboard.Storage;

namespace Switchboard.Events;

/// <summary>
/// Sends the outbox to each organization's events URL: at least once, in order for each call (a call's later
/// event waits while an earlier one is undelivered), retrying with exponential back-off and jitter for
/// <see cref="CallEventsOptions.RetryFor"/>. Several instances may run it on one PostgreSQL database: each takes
/// its events under <c>FOR UPDATE SKIP LOCKED</c> and leases them by moving their next attempt ahead, so an
/// instance that stops mid-way only delays them.
/// </summary>
public sealed class CallEventSender(
    IServiceScopeFactory scopes, IHttpClientFactory clients, IOptions<SwitchboardOptions> options, TimeProvider clock, ILogger<CallEventSender> log)
    : BackgroundService
{
    public const string HttpClientName = "call-events";

    private const string Due = """
        SELECT e.* FROM "CallEvents" AS e
        WHERE e."DeliveredAt" IS NULL AND e."GaveUpAt" IS NULL AND e."NextAttemptAt" <= {0}
          AND NOT EXISTS (
            SELECT 1 FROM "CallEvents" AS earlier
            WHERE earlier."CallId" = e."CallId" AND earlier."Id" < e."Id" AND earlier."DeliveredAt" IS NULL AND earlier."GaveUpAt" IS NULL)
        ORDER BY e."Id"
        LIMIT {1}
        """;

    private CallEventsOptions Settings => options.Value.CallEvents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await SendDueAsync(stoppingToken) >= Settings.BatchSize;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not send call events; trying again shortly");
            }

            if (!full)
            {
                // The pace of polling is wall-clock time even under a test's fake clock; what is due is the injected clock's.
                await Task.Delay(Settings.PollInterval, TimeProvider.System, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One pass: takes the due events (at most one per call) and sends them one by one. Returns how many it took.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = Now();
        if (!await db.CallEvents.AnyAsync(e => e.DeliveredAt == null && e.GaveUpAt == null && e.NextAttemptAt <= now, ct))
        {
            return 0;
        }

        var taken = await TakeAsync(db, scope.ServiceProvider.GetRequiredService<WriteGate>(), now, ct);
        var organizations = new Dictionary<long, (string? Url, string? Secret)>();
        foreach (var callEvent in taken)
        {
            if (!organizations.TryGetValue(callEvent.OrganizationId, out var receiver))
            {
                receiver = await db.Organizations.AsNoTracking().Where(o => o.Id == callEvent.OrganizationId)
                    .Select(o => new ValueTuple<string?, string?>(o.CallEventsUrl, o.CallEventsSecret)).FirstOrDefaultAsync(ct);
                organizations[callEvent.OrganizationId] = receiver;
            }

            if (receiver is not ({ } url, { } secret))
            {
                callEvent.GiveUp(CallEventSettings.TurnedOff, Now());
            }
            else
            {
                await SendAsync(callEvent, url, secret, ct);
            }

            // Stored after each: a stop right after a delivery repeats that one event at most, never loses one.
            await db.SaveChangesAsync(CancellationToken.None);
        }

        return taken.Count;
    }

    private async Task<List<CallEvent>> TakeAsync(SwitchboardDb db, WriteGate gate, DateTime now, CancellationToken ct)
    {
        var sql = db.Database.IsNpgsql() ? Due + "\nFOR UPDATE OF e SKIP LOCKED" : Due;
        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.CallEvents.FromSqlRaw(sql, now, Settings.BatchSize).ToListAsync(ct);
        var leaseUntil = now + (Settings.Timeout * Settings.BatchSize) + TimeSpan.FromMinutes(1);
        taken.ForEach(e => e.Lease(leaseUntil));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return taken;
    }

    private async Task SendAsync(CallEvent callEvent, string url, string secret, CancellationToken ct)
    {
        var body = CallEvents.Body(callEvent);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Switchboard-Event-Id", callEvent.EventId.ToString());
        request.Headers.Add("Switchboard-Event-Type", callEvent.Type);
        request.Headers.Add("Switchboard-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Switchboard-Signature", CallEventSignature.Compute(secret, timestamp, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Switchboard-Events", "1"));

        var http = clients.CreateClient(HttpClientName);
        http.Timeout = Settings.Timeout;
        try
        {
            using var response = await http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                callEvent.Delivered(status, Now());
                log.LogInformation("Call event {EventId} ({Type}) delivered to organization {OrganizationId}", callEvent.EventId, callEvent.Type, callEvent.OrganizationId);
                return;
            }

            Failed(callEvent, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            Failed(callEvent, null, Describe(e));
        }
    }

    /// <summary>
    /// What the deliveries list says about a failure: never the socket's own words (addresses, ports, "connection
    /// refused" against "no route"), which would let an admin map the networks around Switchboard.
    /// </summary>
    private string Describe(Exception e) => e switch
    {
        HttpRequestException { InnerException: AddressNotAllowedException } => NetworkGuard.Refused,
        HttpRequestException => "could not connect",
        _ => $"No answer within {Settings.Timeout.TotalSeconds:0.#} s",
    };

    private void Failed(CallEvent callEvent, int? status, string error)
    {
        var now = Now();
        var retryAt = now - callEvent.CreatedAt >= Settings.RetryFor ? (DateTime?)null : now + Backoff(callEvent.Attempts + 1);
        callEvent.Failed(status, error, now, retryAt);
        log.LogWarning("Call event {EventId} to organization {OrganizationId} failed ({Error}); {Next}",
            callEvent.EventId, callEvent.OrganizationId, error, retryAt is { } at ? $"next attempt at {at:u}" : "given up");
    }

    /// <summary>The pause after the given failed attempt: doubling from the first delay up to the cap, then 50–100 % of it at random.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var doubled = Settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = doubled < Settings.MaxRetryDelay ? doubled : Settings.MaxRetryDelay;
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
