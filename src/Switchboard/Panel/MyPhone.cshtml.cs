using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel;

/// <summary>Every signed-in user, agent or admin, sets their own personal number here.</summary>
public sealed class MyPhoneModel(AgentDirectory agents) : PanelPage
{
    [BindProperty]
    public string? Phone { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await agents.GetAsync(OrganizationId, Caller.AgentId!.Value, Caller, ct);
        if (!me.Done)
        {
            return Refused(me.Refusal);
        }

        Phone = me.Value!.Phone;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var changed = await agents.ChangeAsync(
            OrganizationId,
            Caller.AgentId!.Value,
            new AgentChanges(Phone: Phone ?? ""),
            Caller,
            ct);
        return changed.Done
            ? Done(
                changed.Value!.Phone is { } phone
                    ? $"Saved. Calls for you now ring {phone}."
                    : "Saved. You have no personal number, so calls cannot reach you.")
            : Refused(changed.Refusal);
    }
}
