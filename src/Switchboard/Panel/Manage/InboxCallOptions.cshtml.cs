using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class InboxCallOptionsModel(Teams teams, CallOptions options) : CallOptionsPage
{
    public override CallOptionsOwner Owner => CallOptionsOwner.Inbox;

    public TeamAnswer Inbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var current = (await options.OfInboxAsync(OrganizationId, inboxId, ct)).Value!;
        ShowMessage(current.UnavailableMessage);
        RejectWithMessage = current.RejectWithMessage;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long inboxId, CancellationToken ct) =>
        await LoadAsync(inboxId, ct) is { } refusal
            ? Refused(refusal)
            : Saved(await options.SetInboxAsync(OrganizationId, inboxId, new InboxCallOptions(Message, RejectWithMessage), ct));

    private async Task<Refusal?> LoadAsync(long inboxId, CancellationToken ct)
    {
        var inbox = await teams.InboxAsync(OrganizationId, inboxId, ct);
        if (inbox.Refusal is { } refusal)
        {
            return refusal;
        }

        Inbox = inbox.Value!;
        OrganizationMessage = Describe((await options.OfOrganizationAsync(OrganizationId, ct)).UnavailableMessage);
        return null;
    }
}
