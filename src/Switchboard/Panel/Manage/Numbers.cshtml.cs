using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class NumbersModel(NumberDirectory numbers, Teams teams) : PanelPage
{
    [BindProperty]
    public string? Number { get; set; }

    /// <summary>"group:7", "inbox:3", or empty for unassigned.</summary>
    [BindProperty]
    public string? Owner { get; set; }

    public IReadOnlyList<NumberAnswer> Numbers { get; private set; } = [];

    public OwnerTeams Teams { get; private set; } = null!;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var owner = OwnerChoice.Parse(Owner);
        var added = await numbers.AddAsync(OrganizationId, new NumberRequest(Number, owner.GroupId, owner.InboxId), ct);
        return await ShowAsync(added, $"{added.Value?.Number} added.", ct);
    }

    public async Task<IActionResult> OnPostAssignAsync(CancellationToken ct)
    {
        var assigned = await numbers.AssignAsync(OrganizationId, Number ?? "", OwnerChoice.Parse(Owner), ct);
        return await ShowAsync(assigned, $"{assigned.Value?.Number} saved. The next call to it follows its new owner's setting.", ct);
    }

    private async Task<IActionResult> ShowAsync(Answer<NumberAnswer> answer, string notice, CancellationToken ct)
    {
        if (answer.Done)
        {
            return Done(notice);
        }

        await LoadAsync(ct);
        return Refused(answer.Refusal);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Numbers = await numbers.ListAsync(OrganizationId, ct);
        Teams = new OwnerTeams(await teams.GroupsAsync(OrganizationId, ct), await teams.InboxesAsync(OrganizationId, ct));
    }
}
