using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Kernel;
using Switchboard.Network;
using Switchboard.Observability;
using Switchboard.Storage;

namespace Switchboard.Events;

/// <summary>
/// Sends the outbox to each organization's events URL: at least once, in order for each call (a call's later
/// event waits while an earlier one is undelivered), retrying with exponential back-off and jitter for
/// <see cref="CallEventsOptions.RetryFor"/>. Deliveries run concurrently, at most
/// <see cref="CallEventsOptions.MaxConcurrentPerOrganization"/> for one organization and events of at most
/// <see cref="CallEventsOptions.MaxConcurrentOrganizations"/> organizations at once, so that one organization's
/// slow or hanging receiver holds up only its own events. Several instances may run it on one PostgreSQL
/// database: each claims its events under <c>FOR UPDATE SKIP LOCKED</c> and leases them by moving their next
/// attempt ahead, so no event is sent by two at once, and an instance that stops mid-way only delays them.
/// </summary>
public sealed class CallEventSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    IOptions<SwitchboardOptions> options,
    SwitchboardMetrics metrics,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<CallEventSender> log)
    : BackgroundService
{
    public const string HttpClientName = "call-events";

    /// <summary>Events to send now: due, and the first undelivered one of their call.</summary>
    private const string DueWhere = """
        e."DeliveredAt" IS NULL AND e."GaveUpAt" IS NULL AND e."NextAttemptAt" <= {0}
          AND NOT EXISTS (
            SELECT 1 FROM "CallEvents" AS earlier
            WHERE earlier."CallId" = e."CallId" AND earlier."Id" < e."Id"
              AND earlier."DeliveredAt" IS NULL AND earlier."GaveUpAt" IS NULL)
        """;

    /// <summary>
    /// The oldest due events of each organization, a few per organization, oldest organization first.
    /// </summary>
    private const string Candidates = $"""
        SELECT ranked."Id", ranked."OrganizationId" FROM (
          SELECT e."Id", e."OrganizationId",
                 ROW_NUMBER() OVER (PARTITION BY e."OrganizationId" ORDER BY e."Id") AS "Rank"
          FROM "CallEvents" AS e
          WHERE {DueWhere} AND NOT (e."OrganizationId" /*in {"{3}"}*/)
        ) AS ranked
        WHERE ranked."Rank" <= {"{1}"}
        ORDER BY ranked."Id"
        LIMIT {"{2}"}
        """;

    /// <summary>The due events among those chosen, leased in the same transaction.</summary>
    private const string Claim = $"""
        SELECT e.* FROM "CallEvents" AS e WHERE e."Id" /*in {"{1}"}*/ AND {DueWhere}
        """;

    private static readonly Statements OnSqlite = new(
        InIds(Candidates, "{3}", postgres: false),
        InIds(Claim, "{1}", postgres: false),
        ids => JsonSerializer.Serialize(ids));

    private static readonly Statements OnPostgres = new(
        InIds(Candidates, "{3}", postgres: true),
        InIds(Claim, "{1}", postgres: true) + "\nFOR UPDATE OF e SKIP LOCKED",
        ids => ids.ToArray());

    /// <summary>How many of each organization's events are on their way now (this instance's).</summary>
    private readonly Dictionary<long, int> _inFlight = [];
    private readonly SemaphoreSlim _finished = new(0);

    private CallEventsOptions Settings => options.Value.CallEvents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deliveries = new List<Task>();
        if (!await FirstPass.WaitAsync(lifetime, clock, options.Value.Background.FirstPassDelay, stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                deliveries.RemoveAll(d => d.IsCompleted);
                deliveries.AddRange(await StartDueAsync(stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not send call events; trying again shortly");
            }

            // A delivery that ends frees a place and may make its call's next event due: look again at once then.
            // The pace of polling is wall-clock time even under a test's fake clock; what is due is the injected
            // clock's.
            await _finished.WaitAsync(Settings.PollInterval, stoppingToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            while (_finished.CurrentCount > 0 && _finished.Wait(0))
            {
            }
        }

        await Task.WhenAll(deliveries);
    }

    /// <summary>
    /// One pass: claims the due events there is room for and starts sending them. Returns the deliveries started.
    /// </summary>
    public async Task<IReadOnlyList<Task>> StartDueAsync(CancellationToken ct)
    {
        var room = Room();
        if (room.NewOrganizations == 0 && room.Busy.All(b => b.Value >= Settings.MaxConcurrentPerOrganization))
        {
            return [];
        }

        List<CallEvent> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            var now = Now();
            if (!await db.CallEvents.AnyAsync(
                e => e.DeliveredAt == null && e.GaveUpAt == null && e.NextAttemptAt <= now,
                ct))
            {
                return [];
            }

            claimed = await ClaimAsync(db, scope.ServiceProvider.GetRequiredService<WriteGate>(), room, now, ct);
        }

        lock (_inFlight)
        {
            foreach (var callEvent in claimed)
            {
                _inFlight[callEvent.OrganizationId] = _inFlight.GetValueOrDefault(callEvent.OrganizationId) + 1;
            }
        }

        return claimed.Select(e => Task.Run(() => DeliverAsync(e, ct), CancellationToken.None)).ToList();
    }

    private (int NewOrganizations, Dictionary<long, int> Busy) Room()
    {
        lock (_inFlight)
        {
            var busy = new Dictionary<long, int>(_inFlight);
            return (Math.Max(0, Settings.MaxConcurrentOrganizations - busy.Count), busy);
        }
    }

    /// <summary>
    /// Picks, among the due events, those there is room for (a few more of organizations already sending, and new
    /// organizations by their oldest event while there are places), and leases them in one transaction. On PostgreSQL,
    /// rows another instance is claiming are skipped, and rows it has just claimed are no longer due when read again
    /// under the lock.
    /// </summary>
    private async Task<List<CallEvent>> ClaimAsync(
        SwitchboardDb db,
        WriteGate gate,
        (int NewOrganizations, Dictionary<long, int> Busy) room,
        DateTime now,
        CancellationToken ct)
    {
        var perOrganization = Settings.MaxConcurrentPerOrganization;
        var full = room.Busy.Where(b => b.Value >= perOrganization).Select(b => b.Key).ToList();
        var limit = (room.NewOrganizations + room.Busy.Count) * perOrganization;
        var statements = db.Database.IsNpgsql() ? OnPostgres : OnSqlite;

        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var candidates = await db.Database
            .SqlQueryRaw<DueEvent>(statements.Candidates, now, perOrganization, limit, statements.Ids(full))
            .ToListAsync(ct);

        var chosen = new List<long>();
        var newOrganizations = room.NewOrganizations;
        foreach (var organization in candidates.GroupBy(c => c.OrganizationId))
        {
            var sending = room.Busy.GetValueOrDefault(organization.Key);
            if (sending == 0 && newOrganizations-- <= 0)
            {
                continue;
            }

            chosen.AddRange(organization.Take(perOrganization - sending).Select(c => c.Id));
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var claimed = await db.CallEvents.FromSqlRaw(statements.Claim, now, statements.Ids(chosen)).ToListAsync(ct);
        var leaseUntil = now + Settings.Timeout + TimeSpan.FromMinutes(1);
        claimed.ForEach(e => e.Lease(leaseUntil));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return claimed;
    }

    /// <summary>
    /// "Is among these ids", the ids one parameter: the statement's text stays the same whichever events or
    /// organizations it names, so EF Core compiles it once. (Ids written into the text made a new query to compile
    /// and keep in EF's cache at every pass: CPU and memory that grew with the traffic.) PostgreSQL takes an array,
    /// SQLite a JSON array it reads with <c>json_each</c>.
    /// </summary>
    private static string InIds(string statement, string parameter, bool postgres) =>
        statement.Replace(
            $"/*in {parameter}*/",
            postgres ? $"= ANY({parameter})" : $"IN (SELECT value FROM json_each({parameter}))",
            StringComparison.Ordinal);

    /// <summary>One database's two statements, and how it takes a list of ids as one parameter.</summary>
    private sealed record Statements(string Candidates, string Claim, Func<List<long>, object> Ids);

    private async Task DeliverAsync(CallEvent callEvent, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            db.CallEvents.Attach(callEvent);
            var receiver = await db.Organizations.AsNoTracking().Where(o => o.Id == callEvent.OrganizationId)
                .Select(o => new { o.CallEventsUrl, o.CallEventsSecret }).FirstOrDefaultAsync(ct);
            if (receiver is not { CallEventsUrl: { } url, CallEventsSecret: { } secret })
            {
                callEvent.GiveUp(CallEventSettings.TurnedOff, Now());
                metrics.CallEventFailed(givenUp: true);
            }
            else
            {
                await SendAsync(callEvent, url, secret, ct);
            }

            // Stored after each: a stop right after a delivery repeats that one event at most, never loses one.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(
                e,
                "Could not store the attempt of call event {EventId}; its lease lets it be sent again",
                callEvent.EventId);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Stopping: the event stays leased and is sent again after its lease.
        }
        finally
        {
            lock (_inFlight)
            {
                if (--_inFlight[callEvent.OrganizationId] == 0)
                {
                    _inFlight.Remove(callEvent.OrganizationId);
                }
            }

            _finished.Release();
        }
    }

    private async Task SendAsync(CallEvent callEvent, string url, string secret, CancellationToken ct)
    {
        var body = CallEvents.Body(callEvent);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(
            body,
            Encoding.UTF8,
            "application/json") };
        request.Headers.Add("Switchboard-Event-Id", callEvent.EventId.ToString());
        request.Headers.Add("Switchboard-Event-Type", callEvent.Type);
        request.Headers.Add(
            "Switchboard-Timestamp",
            timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
                metrics.CallEventDelivered(Now() - callEvent.CreatedAt);
                log.LogInformation(
                    "Call event {EventId} ({Type}) delivered to organization {OrganizationId}",
                    callEvent.EventId,
                    callEvent.Type,
                    callEvent.OrganizationId);
                return;
            }

            Failed(callEvent, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (Exception e) when (!ct.IsCancellationRequested
            && e is HttpRequestException or TaskCanceledException or TimeoutException)
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
        var retryAt = now - callEvent.RetriedFrom >= Settings.RetryFor
            ? (DateTime?)null
            : now + Backoff(callEvent.Attempts + 1);
        callEvent.Failed(status, error, now, retryAt);
        metrics.CallEventFailed(givenUp: retryAt is null);
        log.LogWarning("Call event {EventId} to organization {OrganizationId} failed ({Error}); {Next}",
            callEvent.EventId,
            callEvent.OrganizationId,
            error,
            retryAt is { } at ? $"next attempt at {at:u}" : "given up");
    }

    /// <summary>
    /// The pause after the given failed attempt: doubling from the first delay up to the cap, then 50–100 % of it at
    /// random.
    /// </summary>
    public TimeSpan Backoff(int attempt)
    {
        var doubled = Settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = doubled < Settings.MaxRetryDelay ? doubled : Settings.MaxRetryDelay;
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private sealed record DueEvent(long Id, long OrganizationId);
}
