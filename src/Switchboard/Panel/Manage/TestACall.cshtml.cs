using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Panel.Manage;

/// <summary>
/// "Test a call" posts its form (rather than a query string) so that the contact's number stays out of
/// URLs, browser history and access logs.
/// </summary>
public sealed class TestACallModel(RoutingExplainer explainer, NumberDirectory numbers) : PanelPage
{
    [BindProperty]
    public string? Contact { get; set; }

    [BindProperty]
    public string? Number { get; set; }

    public IReadOnlyList<string> Numbers { get; private set; } = [];

    public RoutingExplanation? Explanation { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Numbers = (await numbers.ListAsync(OrganizationId, ct)).Select(n => n.Number).ToList();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        var explained = await explainer.ExplainAsync(OrganizationId, new ExplainRequest(Contact, Number), ct);
        Explanation = explained.Value;
        return explained.Done ? Page() : Refused(explained.Refusal);
    }
}
