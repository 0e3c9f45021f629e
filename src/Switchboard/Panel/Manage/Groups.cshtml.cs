using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class GroupsModel(GroupsAndInboxes groupsAndInboxes) : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    public IReadOnlyList<OwnerAnswer> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Groups = await groupsAndInboxes.GroupsAsync(OrganizationId, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var added = await groupsAndInboxes.CreateGroupAsync(OrganizationId, new OwnerName(Name), ct);
        if (added.Done)
        {
            return Done($"Group \"{added.Value!.Name}\" added. It follows the organization's setting.");
        }

        Groups = await groupsAndInboxes.GroupsAsync(OrganizationId, ct);
        return Refused(added.Refusal);
    }
}
