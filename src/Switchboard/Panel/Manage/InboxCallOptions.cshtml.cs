using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class InboxCallOptionsModel(GroupsAndInboxes groupsAndInboxes, CallOptionSettings options)
    : CallOptionsPage
{
    public override CallOptionsOwner Owner => CallOptionsOwner.Inbox;

    public OwnerAnswer Inbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var current = (await options.OfInboxAsync(OrganizationId, inboxId, ct)).Value!;
        ShowMessage(current.UnavailableMessage);
        RejectWithMessage = current.RejectWithMessage;
        ShowVoicemail(current.Voicemail, follows: true);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var voicemail = Voicemail();
        return voicemail.Done
            ? Saved(
                await options.SetInboxAsync(
                    OrganizationId,
                    inboxId,
                    new InboxCallOptions(Message, RejectWithMessage, voicemail.Value),
                    ct))
            : Refused(voicemail.Refusal);
    }

    private async Task<Refusal?> LoadAsync(long inboxId, CancellationToken ct)
    {
        var inbox = await groupsAndInboxes.InboxAsync(OrganizationId, inboxId, ct);
        if (inbox.Refusal is { } refusal)
        {
            return refusal;
        }

        Inbox = inbox.Value!;
        var organization = await options.OfOrganizationAsync(OrganizationId, ct);
        OrganizationMessage = Describe(organization.UnavailableMessage);
        OrganizationVoicemail = Describe(organization.Voicemail);
        return null;
    }
}
