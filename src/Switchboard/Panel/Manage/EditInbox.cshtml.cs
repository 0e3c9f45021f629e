using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class EditInboxModel(GroupsAndInboxes groupsAndInboxes, InboundCallSettings settings) : InboundCallsPage
{
    public const string Reject = "Reject inbound phone calls";

    /// <summary>An inbox's setting in the words of its choice, with the number it forwards to.</summary>
    public static string DescribeInbox(InboundCallsAnswer setting, PhoneDisplay phones) =>
        setting.Mode == "forward" ? $"Forward to {phones.Show(setting.ForwardTo!)}" : Reject;

    public OwnerAnswer Inbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        await ShowOwnAsync(inboxId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long inboxId, CancellationToken ct) =>
        await LoadAsync(inboxId, ct) is { } refusal ? Refused(refusal) : Saved(await settings.SetInboxAsync(OrganizationId, inboxId, Setting, ct));

    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The box that confirms a deletion, having read what happens to the numbers.</summary>
    [BindProperty]
    public bool Confirm { get; set; }

    public int NumberCount { get; private set; }

    public string NumbersMessage => NumberCount switch
    {
        0 => "it has no numbers.",
        1 => "its number becomes unassigned and takes no calls until you give it a group or an inbox.",
        _ => $"its {NumberCount} numbers become unassigned and take no calls until you give them a group or an inbox.",
    };

    public async Task<IActionResult> OnPostRenameAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var renamed = await groupsAndInboxes.RenameInboxAsync(OrganizationId, inboxId, new OwnerName(Name), ct);
        if (!renamed.Done)
        {
            await ShowOwnAsync(inboxId, ct);
            return Refused(renamed.Refusal);
        }

        return Done($"Renamed to “{renamed.Value!.Name}”.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long inboxId, CancellationToken ct)
    {
        if (await LoadAsync(inboxId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        if (!Confirm)
        {
            await ShowOwnAsync(inboxId, ct);
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm the deletion.");
            return Page();
        }

        var deleted = await groupsAndInboxes.DeleteInboxAsync(OrganizationId, inboxId, ct);
        if (!deleted.Done)
        {
            return Refused(deleted.Refusal);
        }

        var gone = deleted.Value!;
        Notice = $"Inbox “{gone.Name}” deleted." + (gone.NumbersUnassigned switch
        {
            0 => "",
            1 => " Its number is now unassigned.",
            var n => $" Its {n} numbers are now unassigned.",
        });
        return RedirectToPage("Inboxes");
    }

    private async Task ShowOwnAsync(long inboxId, CancellationToken ct) => Show((await settings.OfInboxAsync(OrganizationId, inboxId, ct)).Value!);

    private async Task<Refusal?> LoadAsync(long inboxId, CancellationToken ct)
    {
        Options =
        [
            new("reject", Reject, "The default. The call is refused; nothing rings."),
            new("forward", "Forward to this phone number"),
        ];
        var inbox = await groupsAndInboxes.InboxAsync(OrganizationId, inboxId, ct);
        Inbox = inbox.Value!;
        NumberCount = inbox.Done ? await groupsAndInboxes.NumbersOfAsync(OrganizationId, inboxId, inbox: true, ct) : 0;
        return inbox.Refusal;
    }
}
