using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class GroupModel(GroupsAndInboxes groupsAndInboxes, NumberDirectory numbers) : PanelPage
{
    public OwnerAnswer Group { get; private set; } = null!;

    public IReadOnlyList<NumberAnswer> Numbers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        var group = await groupsAndInboxes.GroupAsync(OrganizationId, groupId, ct);
        if (!group.Done)
        {
            return Refused(group.Refusal);
        }

        Group = group.Value!;
        Numbers = (await numbers.ListAsync(OrganizationId, ct)).Where(n => n.GroupId == groupId).ToList();
        return Page();
    }
}
