using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

/// <summary>The organization's API keys: create one (its secret shown once), rotate its secret, revoke it.</summary>
public sealed class ApiKeysModel(ApiKeys keys, AgentDirectory agents) : PanelPage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    [BindProperty]
    public long? AgentId { get; set; }

    public IReadOnlyList<ApiKeyAnswer> Keys { get; private set; } = [];

    public IReadOnlyDictionary<long, string> AgentNames { get; private set; } = new Dictionary<long, string>();

    public IReadOnlyList<AgentAnswer> ActiveAgents { get; private set; } = [];

    /// <summary>
    /// A key just made or rotated: shown in this answer only, never stored in a cookie or shown again.
    /// </summary>
    public ApiKeyCreated? Made { get; private set; }

    public string? MadeBy { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var created = await keys.CreateAsync(
            OrganizationId,
            new CreateApiKey(Name, Role, Role == "agent" ? AgentId : null),
            ct);
        await LoadAsync(ct);
        if (!created.Done)
        {
            return Refused(created.Refusal);
        }

        return Shown(created.Value!, "created");
    }

    public async Task<IActionResult> OnPostRotateAsync(long id, CancellationToken ct)
    {
        var rotated = await keys.RotateAsync(OrganizationId, id, ct);
        if (!rotated.Done)
        {
            return Refused(rotated.Refusal);
        }

        await LoadAsync(ct);
        return Shown(rotated.Value!, "rotated");
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken ct)
    {
        if (await keys.RevokeAsync(OrganizationId, id, ct) is { } refusal)
        {
            return Refused(refusal);
        }

        return Done("Key revoked. Anything still using it is refused from now on.");
    }

    public string Owner(ApiKeyAnswer key) =>
        key.AgentId is { } id ? $"agent: {AgentNames.GetValueOrDefault(id, $"deleted agent {id}")}" : key.Role;

    private IActionResult Shown(ApiKeyCreated key, string what)
    {
        Made = key;
        MadeBy = what;
        Name = null;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Keys = await keys.ListAsync(OrganizationId, ct);
        var all = await agents.ListAsync(OrganizationId, Caller, ct);
        AgentNames = all.ToDictionary(a => a.Id, a => a.Name);
        ActiveAgents = [.. all.Where(a => a.Active)];
    }
}
