using Microsoft.AspNetCore.Mvc;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class AgentModel(AgentDirectory agents, PanelUsers users) : PanelPage
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public bool Active { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>
    /// The box that confirms a deletion, having read what happens to the agent's sign-in, keys and calls.
    /// </summary>
    [BindProperty]
    public bool Confirm { get; set; }

    public AgentAnswer Agent { get; private set; } = null!;

    public bool HasSignIn { get; private set; }

    public async Task<IActionResult> OnGetAsync(long agentId, CancellationToken ct) =>
        await LoadAsync(agentId, ct) is { } refusal ? Refused(refusal) : Page();

    public async Task<IActionResult> OnPostPhoneAsync(long agentId, CancellationToken ct) =>
        await ChangeAsync(agentId, new AgentChanges(Phone: Phone ?? ""), "Personal number saved.", ct);

    public async Task<IActionResult> OnPostActiveAsync(long agentId, CancellationToken ct) =>
        await ChangeAsync(
            agentId,
            new AgentChanges(Active: Active),
            Active ? "Reactivated." : "Deactivated: calls to this agent hear that nobody is available.",
            ct);

    public async Task<IActionResult> OnPostPasswordAsync(long agentId, CancellationToken ct)
    {
        var refusal = await users.SetPasswordAsync(OrganizationId, agentId, Password, ct);
        return refusal is null
            ? Done("Password set.")
            : await LoadAsync(agentId, ct) is { } missing ? Refused(missing) : Refused(refusal);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long agentId, CancellationToken ct)
    {
        if (await LoadAsync(agentId, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), "Tick the box to confirm the deletion.");
            return Page();
        }

        // The API leaves this to the operator; in the panel it would sign out the only person who can manage the
        // organization.
        if (agentId == Caller.AgentId && await agents.IsLastAdminAsync(OrganizationId, agentId, ct))
        {
            ModelState.AddModelError(
                nameof(Confirm),
                "You are the organization's only active admin: make another agent an admin before deleting yourself.");
            return Page();
        }

        if (await agents.DeleteAsync(OrganizationId, agentId, ct) is { } gone)
        {
            return Refused(gone);
        }

        Notice = $"Agent “{Agent.Name}” deleted.";
        return RedirectToPage("Agents");
    }

    private async Task<IActionResult> ChangeAsync(
        long agentId,
        AgentChanges changes,
        string notice,
        CancellationToken ct)
    {
        var changed = await agents.ChangeAsync(OrganizationId, agentId, changes, Caller, ct);
        if (changed.Done)
        {
            return Done(notice);
        }

        return await LoadAsync(agentId, ct) is { } missing ? Refused(missing) : Refused(changed.Refusal);
    }

    private async Task<Refusal?> LoadAsync(long agentId, CancellationToken ct)
    {
        var agent = await agents.GetAsync(OrganizationId, agentId, Caller, ct);
        Agent = agent.Value!;
        HasSignIn = agent.Done && await users.HasSignInAsync(agentId, ct);
        return agent.Refusal;
    }
}
