using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Switchboard.Audit;

namespace Switchboard.Panel.Manage;

/// <summary>The audit log: who changed what and when, newest first. Read only, like the API.</summary>
public sealed class AuditModel(AuditLog log) : PanelPage
{
    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
    [
        ("organization", "Organization settings"),
        ("group", "Groups"),
        ("inbox", "Inboxes"),
        ("agent", "Agents"),
        ("number", "Numbers"),
        ("apiKey", "API keys"),
        ("panelLogin", "Panel sign-ins"),
    ];

    private static readonly Dictionary<string, string> Things = new()
    {
        ["organization"] = "Organization",
        ["group"] = "Group",
        ["inbox"] = "Inbox",
        ["agent"] = "Agent",
        ["number"] = "Number",
        ["apiKey"] = "API key",
        ["panelLogin"] = "Panel sign-in",
    };

    /// <summary>One of <see cref="Kinds"/>, or empty for all.</summary>
    [BindProperty(SupportsGet = true)]
    public string? What { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public IReadOnlyList<AuditEntryAnswer> Entries { get; private set; } = [];

    public long? NextBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var page = await log.PageAsync(OrganizationId, new AuditFilter { Before = Before, EntityType = What }, ct);
        if (!page.Done)
        {
            return Refused(page.Refusal);
        }

        Entries = page.Value!.Items;
        NextBefore = page.Value.NextBefore;
        return Page();
    }

    public static string Who(AuditActorAnswer actor) => actor.Kind switch
    {
        "apiKey" => $"API key “{actor.Name}” (#{actor.Id}, {actor.Role})",
        "panelUser" => $"{actor.Name} in the panel ({actor.Role})",
        "operator" => "The operator",
        "anonymous" => "Someone signing in",
        _ => "Switchboard itself",
    };

    public static string Thing(AuditEntryAnswer entry) =>
        $"{Things.GetValueOrDefault(entry.EntityType, entry.EntityType)} {entry.EntityId} {entry.Action}";

    public static string Value(string? value) => value ?? "none";

    public string NextPageUrl(long before) =>
        QueryHelpers.AddQueryString("/panel/audit", new Dictionary<string, string?>
        {
            ["What"] = What, ["Before"] = before.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
