using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchboard.Kernel;
using Switchboard.Routing;

namespace Switchboard.Observability;

/// <summary>
/// The <c>Switchboard</c> meter: what the service did, counted where it happens. Tags are words from small fixed
/// sets (an outcome, a reason, a route pattern), never a number, a key or an organization, so that no personal data
/// reaches a metrics store and the number of series stays bounded. Tag values are built once, so that counting a
/// call allocates nothing beyond the stack-held tag list.
/// </summary>
public sealed class SwitchboardMetrics
{
    public const string MeterName = "Switchboard";

    private static readonly string[] Outcomes = Names<RoutingOutcome>();
    private static readonly string[] Reasons = Names<DecisionReason>();
    private static readonly string[] Placements = Names<OutboundPlacement>();

    private readonly Counter<long> _callsRouted;
    private readonly Histogram<double> _webhookDuration;
    private readonly Counter<long> _webhookFallbacks;
    private readonly Counter<long> _callEvents;
    private readonly Counter<long> _callEventRetries;
    private readonly Histogram<double> _callEventDeliveryTime;
    private readonly Counter<long> _outboundCalls;
    private readonly Counter<long> _messagesIngested;

    public SwitchboardMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _callsRouted = meter.CreateCounter<long>(
            "switchboard.calls.routed", "{call}", "Inbound calls decided, by outcome and the rule that decided them.");
        _webhookDuration = meter.CreateHistogram<double>(
            "switchboard.webhook.duration",
            "s",
            "How long a provider webhook took to answer, signature check included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries =
            [
                0.005,
                0.01,
                0.025,
                0.05,
                0.1,
                0.25,
                0.5,
                1,
                1.5,
                2.5,
                5,
                10,
            ] });
        _webhookFallbacks = meter.CreateCounter<long>(
            "switchboard.webhook.fallbacks",
            "{answer}",
            "Webhook answers given by the answer budget's fallback instead of the work's own.");
        _callEvents = meter.CreateCounter<long>(
            "switchboard.call_events",
            "{event}",
            "Call events by state: pending when raised, then delivered or failed (given up).");
        _callEventRetries = meter.CreateCounter<long>(
            "switchboard.call_events.retries",
            "{attempt}",
            "Failed delivery attempts of call events that will be tried again.");
        _callEventDeliveryTime = meter.CreateHistogram<double>(
            "switchboard.call_events.delivery_time", "s", "From an event's raising to its delivery, retries included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries =
            [
                0.1,
                0.5,
                1,
                2.5,
                5,
                10,
                30,
                60,
                300,
                900,
                3600,
                21600,
                86400,
            ] });
        _outboundCalls = meter.CreateCounter<long>(
            "switchboard.calls.outbound",
            "{call}",
            "Outbound calls handed to the provider, by what the provider answered.");
        _messagesIngested = meter.CreateCounter<long>(
            "switchboard.messages.ingested",
            "{message}",
            "Message events received from the texting platform, by whether they were new.");
    }

    public void CallRouted(RoutingOutcome outcome, DecisionReason reason) =>
        _callsRouted.Add(1, new TagList { { "outcome", Outcomes[(int)outcome] }, { "reason", Reasons[(int)reason] } });

    /// <param name="route">The endpoint's route pattern (a constant string of the endpoint, never the request's
    /// path).</param>
    public void WebhookAnswered(string route, TimeSpan elapsed, bool fallback)
    {
        var tags = new TagList { { "route", route } };
        _webhookDuration.Record(elapsed.TotalSeconds, tags);
        if (fallback)
        {
            _webhookFallbacks.Add(1, tags);
        }
    }

    public void CallEventRaised() => _callEvents.Add(1, new TagList { { "state", "pending" } });

    public void CallEventDelivered(TimeSpan sinceRaised)
    {
        _callEvents.Add(1, new TagList { { "state", "delivered" } });
        _callEventDeliveryTime.Record(Math.Max(0, sinceRaised.TotalSeconds));
    }

    public void CallEventFailed(bool givenUp)
    {
        if (givenUp)
        {
            _callEvents.Add(1, new TagList { { "state", "failed" } });
        }
        else
        {
            _callEventRetries.Add(1);
        }
    }

    public void OutboundCallPlaced(OutboundPlacement outcome) =>
        _outboundCalls.Add(1, new TagList { { "outcome", Placements[(int)outcome] } });

    public void MessagesIngested(int accepted, int duplicates)
    {
        _messagesIngested.Add(accepted, new TagList { { "result", "accepted" } });
        _messagesIngested.Add(duplicates, new TagList { { "result", "duplicate" } });
    }

    private static string[] Names<TEnum>() where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>()
            .OrderBy(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))
            .Select(EnumNames.Name)];
}

/// <summary>What the provider answered when asked to ring the agent of an outbound call.</summary>
public enum OutboundPlacement { Placed, Refused, Unreachable, Uncertain }
