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

    public AgentAnswer Agent { get; private set; } = null!;

    public bool HasSignIn { get; private set; }

    public async Task<IActionResult> OnGetAsync(long agentId, CancellationToken ct) =>
        await LoadAsync(agentId, ct) is { } refusal ? Refused(refusal) : Page();

    public async Task<IActionResult> OnPostPhoneAsync(long agentId, CancellationToken ct) =>
        await ChangeAsync(agentId, new AgentChanges(Phone: Phone ?? ""), "Personal number saved.", ct);

    public async Task<IActionResult> OnPostActiveAsync(long agentId, CancellationToken ct) =>
        await ChangeAsync(agentId, new AgentChanges(Active: Active), Active ? "Reactivated." : "Deactivated: calls to this agent hear that nobody is available.", ct);

    public async Task<IActionResult> OnPostPasswordAsync(long agentId, CancellationToken ct)
    {
        var refusal = await users.SetPasswordAsync(OrganizationId, agentId, Password, ct);
        return refusal is null ? Done("Password set.") : await LoadAsync(agentId, ct) is { } missing ? Refused(missing) : Refused(refusal);
    }

    private async Task<IActionResult> ChangeAsync(long agentId, AgentChanges changes, string notice, CancellationToken ct)
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
