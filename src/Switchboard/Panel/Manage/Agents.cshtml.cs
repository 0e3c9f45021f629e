using Microsoft.AspNetCore.Mvc;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

public sealed class AgentsModel(AgentDirectory agents, PanelUsers users) : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Part of a name or an email; never a phone number (agents' numbers are not searched).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    public IReadOnlyList<AgentAnswer> Agents { get; private set; } = [];

    /// <summary>
    /// Whether the organization has agents at all (an empty search result is not an empty organization).
    /// </summary>
    public bool AnyAgents { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await agents.ListAsync(OrganizationId, Caller, ct);
        AnyAgents = all.Any();
        var term = Search?.Trim();
        Agents = string.IsNullOrEmpty(term)
            ? all
            : all.Where(a => a.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
                || a.Email.Contains(term, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>With a password, the agent and its sign-in are added together; without, only the agent.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var added = string.IsNullOrEmpty(Password)
            ? await agents.CreateAsync(OrganizationId, new CreateAgent(Name, Email, Phone, Role, true), Caller, ct)
            : Agent(
                await users.CreateWithAgentAsync(
                    OrganizationId,
                    new CreatePanelUser(Name, Email, Phone, Role ?? "agent", Password),
                    Caller,
                    ct));
        if (added.Done)
        {
            return Done($"{added.Value!.Name} added.");
        }

        await OnGetAsync(ct);
        return Refused(added.Refusal);
    }

    private static Answer<AgentAnswer> Agent(Answer<PanelUserAnswer> user) =>
        user.Done ? user.Value!.Agent : user.Refusal;
}
