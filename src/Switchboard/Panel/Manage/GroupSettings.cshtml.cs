using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel.Manage;

public sealed class GroupSettingsModel(GroupsAndInboxes groupsAndInboxes, InboundCallSettings settings, PhoneDisplay phones) : InboundCallsPage
{
    public OwnerAnswer Group { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        await ShowOwnAsync(groupId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long groupId, CancellationToken ct) =>
        await LoadAsync(groupId, ct) is { } refusal ? Refused(refusal) : Saved(await settings.SetGroupAsync(OrganizationId, groupId, Setting, ct));

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

    public async Task<IActionResult> OnPostRenameAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var renamed = await groupsAndInboxes.RenameGroupAsync(OrganizationId, groupId, new OwnerName(Name), ct);
        if (!renamed.Done)
        {
            await ShowOwnAsync(groupId, ct);
            return Refused(renamed.Refusal);
        }

        return Done($"Renamed to “{renamed.Value!.Name}”.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        if (!Confirm)
        {
            await ShowOwnAsync(groupId, ct);
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm the deletion.");
            return Page();
        }

        var deleted = await groupsAndInboxes.DeleteGroupAsync(OrganizationId, groupId, ct);
        if (!deleted.Done)
        {
            return Refused(deleted.Refusal);
        }

        var gone = deleted.Value!;
        Notice = $"Group “{gone.Name}” deleted." + (gone.NumbersUnassigned switch
        {
            0 => "",
            1 => " Its number is now unassigned.",
            var n => $" Its {n} numbers are now unassigned.",
        });
        return RedirectToPage("Groups");
    }

    private async Task ShowOwnAsync(long groupId, CancellationToken ct)
    {
        var own = (await settings.OfGroupAsync(OrganizationId, groupId, ct)).Value!;
        Show(new InboundCallsAnswer(own.Mode, own.ForwardTo));
    }

    private async Task<Refusal?> LoadAsync(long groupId, CancellationToken ct)
    {
        var group = await groupsAndInboxes.GroupAsync(OrganizationId, groupId, ct);
        Group = group.Value!;
        NumberCount = group.Done ? await groupsAndInboxes.NumbersOfAsync(OrganizationId, groupId, inbox: false, ct) : 0;
        var organization = await settings.OfOrganizationAsync(OrganizationId, ct);
        Options =
        [
            new("followOrganization", "Follow organization setting", $"The default. The organization's setting is now: {Describe(organization, phones)}."),
            new("lastAgent", LastAgent),
            new("forward", "Connect them to this phone number"),
        ];
        return group.Refusal;
    }
}
