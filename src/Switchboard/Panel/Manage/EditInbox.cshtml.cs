using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class EditInboxModel(GroupsAndInboxes groupsAndInboxes, InboundCallSettings settings) : OwnerSettingsPage
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
        await LoadAsync(inboxId, ct) is { } refusal
            ? Refused(refusal)
            : Saved(await settings.SetInboxAsync(OrganizationId, inboxId, Setting, ct));

    public Task<IActionResult> OnPostRenameAsync(long inboxId, CancellationToken ct) => RenameAsync(inboxId, ct);

    public Task<IActionResult> OnPostDeleteAsync(long inboxId, CancellationToken ct) => DeleteAsync(inboxId, ct);

    protected override string Kind => "Inbox";

    protected override string ListPage => "Inboxes";

    protected override Task<Answer<OwnerAnswer>> RenameOwnerAsync(
        long ownerId,
        OwnerName request,
        CancellationToken ct) =>
        groupsAndInboxes.RenameInboxAsync(OrganizationId, ownerId, request, ct);

    protected override Task<Answer<OwnerDeleted>> DeleteOwnerAsync(long ownerId, CancellationToken ct) =>
        groupsAndInboxes.DeleteInboxAsync(OrganizationId, ownerId, ct);

    protected override async Task ShowOwnAsync(long inboxId, CancellationToken ct) =>
        Show((await settings.OfInboxAsync(OrganizationId, inboxId, ct)).Value!);

    protected override async Task<Refusal?> LoadAsync(long inboxId, CancellationToken ct)
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
