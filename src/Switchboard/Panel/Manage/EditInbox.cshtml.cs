using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class EditInboxModel(Teams teams, InboundCallSettings settings) : InboundCallsPage
{
    public TeamAnswer Inbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        Show((await settings.OfInboxAsync(OrganizationId, inboxId, ct)).Value!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long inboxId, CancellationToken ct) =>
        await LoadAsync(inboxId, ct) is { } refusal ? Refused(refusal) : Saved(await settings.SetInboxAsync(OrganizationId, inboxId, Setting, ct));

    private async Task<Refusal?> LoadAsync(long inboxId, CancellationToken ct)
    {
        Options =
        [
            new("reject", "Reject inbound phone calls", "The default. The call is refused; nothing rings."),
            new("forward", "Forward to this phone number"),
        ];
        var inbox = await teams.InboxAsync(OrganizationId, inboxId, ct);
        Inbox = inbox.Value!;
        return inbox.Refusal;
    }
}
