using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Kernel;
using Switchboard.Events;

namespace Switchboard.Panel.Manage;

/// <summary>Where the organization's call events go, and how their deliveries went.</summary>
public sealed class CallEventsModel(CallEventSettings settings) : PanelPage
{
    [BindProperty(Name = "Url")]
    public string? EventsUrl { get; set; }

    [BindProperty]
    public string? Secret { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    /// <summary>The replay's first and last day (UTC), both included.</summary>
    [BindProperty]
    public DateOnly? From { get; set; }

    [BindProperty]
    public DateOnly? To { get; set; }

    public string? SecretHint { get; private set; }

    /// <summary>
    /// A secret Switchboard just made: shown in this answer only, never stored in a cookie or shown again.
    /// </summary>
    public string? MadeSecret { get; private set; }

    public IReadOnlyList<CallEventDelivery> Deliveries { get; private set; } = [];

    public long? NextBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var current = await settings.GetAsync(OrganizationId, ct);
        EventsUrl = current.Url;
        SecretHint = current.SecretHint;
        return await WithDeliveriesAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var saved = await settings.SetAsync(OrganizationId, new CallEventsRequest(EventsUrl, Secret), ct);
        if (!saved.Done)
        {
            SecretHint = (await settings.GetAsync(OrganizationId, ct)).SecretHint;
            await WithDeliveriesAsync(ct);
            return Refused(saved.Refusal);
        }

        if (saved.Value!.Secret is null)
        {
            return Done("Saved. Events now go to " + saved.Value.Url + ".");
        }

        Notice = "Saved. Events now go to " + saved.Value.Url + ".";
        MadeSecret = saved.Value.Secret;
        SecretHint = saved.Value.SecretHint;
        return await WithDeliveriesAsync(ct);
    }

    public async Task<IActionResult> OnPostTurnOffAsync(CancellationToken ct)
    {
        await settings.TurnOffAsync(OrganizationId, ct);
        return Done("Call events are off. Events that were waiting will not be sent.");
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken ct)
    {
        var resent = await settings.ResendAsync(OrganizationId, id, ct);
        return resent.Done ? Done($"Event {id} will be sent again, with the same id.")
            : resent.Refusal is Refusal.Unavailable unavailable ? Done(unavailable.Detail)
            : Refused(resent.Refusal);
    }

    public async Task<IActionResult> OnPostReplayAsync(CancellationToken ct)
    {
        DateTimeOffset? Start(DateOnly? day) =>
            day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
        var replayed = await settings.ReplayAsync(
            OrganizationId,
            new CallEventReplayRequest(Start(From), Start(To?.AddDays(1))),
            ct);
        if (replayed.Done)
        {
            var days = $"{From:yyyy-MM-dd} to {To:yyyy-MM-dd}";
            return Done(replayed.Value!.Queued == 0
                ? $"No delivered or failed events were raised from {days}."
                : $"{replayed.Value.Queued.ToString(CultureInfo.InvariantCulture)} events raised " +
                    $"from {days} will be sent again.");
        }

        if (replayed.Refusal is Refusal.Unavailable unavailable)
        {
            return Done(unavailable.Detail);
        }

        var current = await settings.GetAsync(OrganizationId, ct);
        EventsUrl = current.Url;
        SecretHint = current.SecretHint;
        await WithDeliveriesAsync(ct);
        return Refused(replayed.Refusal);
    }

    private async Task<IActionResult> WithDeliveriesAsync(CancellationToken ct)
    {
        var page = await settings.DeliveriesAsync(OrganizationId, Before, ct);
        if (!page.Done)
        {
            return Refused(page.Refusal);
        }

        Deliveries = page.Value!.Items;
        NextBefore = page.Value.NextBefore;
        return Page();
    }
}
