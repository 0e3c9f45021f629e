using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class GroupSettingsModel(Teams teams, InboundCallSettings settings) : InboundCallsPage
{
    public TeamAnswer Group { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long groupId, CancellationToken ct)
    {
        if (await LoadAsync(groupId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        var own = (await settings.OfGroupAsync(OrganizationId, groupId, ct)).Value!;
        Show(new InboundCallsAnswer(own.Mode, own.ForwardTo));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long groupId, CancellationToken ct) =>
        await LoadAsync(groupId, ct) is { } refusal ? Refused(refusal) : Saved(await settings.SetGroupAsync(OrganizationId, groupId, Setting, ct));

    private async Task<Refusal?> LoadAsync(long groupId, CancellationToken ct)
    {
        var group = await teams.GroupAsync(OrganizationId, groupId, ct);
        Group = group.Value!;
        var organization = await settings.OfOrganizationAsync(OrganizationId, ct);
        Options =
        [
            new("followOrganization", "Follow organization setting", $"The default. The organization's setting is now: {Describe(organization)}."),
            new("lastAgent", LastAgent),
            new("forward", "Connect them to this phone number"),
        ];
        return group.Refusal;
    }
}
