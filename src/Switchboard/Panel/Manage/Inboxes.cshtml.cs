using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed record InboxRow(TeamAnswer Team, string Setting);

public sealed class InboxesModel(Teams teams, InboundCallSettings settings) : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    public IReadOnlyList<InboxRow> Inboxes { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var added = await teams.CreateInboxAsync(OrganizationId, new CreateTeam(Name), ct);
        if (added.Done)
        {
            return Done($"Inbox \"{added.Value!.Name}\" added. It rejects calls until you change that.");
        }

        await LoadAsync(ct);
        return Refused(added.Refusal);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var rows = new List<InboxRow>();
        foreach (var inbox in await teams.InboxesAsync(OrganizationId, ct))
        {
            var setting = (await settings.OfInboxAsync(OrganizationId, inbox.Id, ct)).Value!;
            rows.Add(new InboxRow(inbox, setting.Mode == "forward" ? $"forward to {setting.ForwardTo}" : "reject"));
        }

        Inboxes = rows;
    }
}
