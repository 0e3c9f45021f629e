using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class GroupsModel(Teams teams) : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    public IReadOnlyList<TeamAnswer> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Groups = await teams.GroupsAsync(OrganizationId, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var added = await teams.CreateGroupAsync(OrganizationId, new CreateTeam(Name), ct);
        if (added.Done)
        {
            return Done($"Group \"{added.Value!.Name}\" added. It follows the organization's setting.");
        }

        Groups = await teams.GroupsAsync(OrganizationId, ct);
        return Refused(added.Refusal);
    }
}
