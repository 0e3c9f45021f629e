using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

/// <summary>An inbox's hours: the organization's (the default) or its own.</summary>
public sealed class InboxHoursModel(
    GroupsAndInboxes owners,
    HoursSettings hours,
    PhoneDisplay phones,
    TimeProvider clock)
    : OwnerHoursPage(hours, phones, clock)
{
    public override HoursOwner Owner => HoursOwner.Inbox;

    public OwnerAnswer Inbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long inboxId, CancellationToken ct)
    {
        var inbox = await owners.InboxAsync(OrganizationId, inboxId, ct);
        if (inbox.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Inbox = inbox.Value!;
        return await ShowAsync(await Hours.OfInboxAsync(OrganizationId, inboxId, ct), ct);
    }

    public async Task<IActionResult> OnPostAsync(long inboxId, CancellationToken ct)
    {
        var inbox = await owners.InboxAsync(OrganizationId, inboxId, ct);
        if (inbox.Refusal is { } refusal)
        {
            return Refused(refusal);
        }

        Inbox = inbox.Value!;
        var answer = await Hours.SetInboxAsync(OrganizationId, inboxId, PostedOwnerHours(), ct);
        return await SavedAsync(answer, () => Hours.OfInboxAsync(OrganizationId, inboxId, ct), ct);
    }
}
