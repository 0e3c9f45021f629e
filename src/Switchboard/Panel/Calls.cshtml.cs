using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Switchboard.Calls;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Calls.Voicemail;

namespace Switchboard.Panel;

/// <summary>The call log: an admin sees every call, an agent the calls put through to them.</summary>
public sealed class CallsModel(
    CallLog log,
    GroupsAndInboxes groupsAndInboxes,
    OutboundCalls outbound,
    Voicemails voicemails) : PanelPage
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Decision { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    /// <summary>
    /// Part of an agent's, a group's or an inbox's name; the form refuses digits, so no number lands in a URL.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    /// <summary>
    /// Whether the log is narrowed at all: an empty log then says how to widen it rather than how to start.
    /// </summary>
    public bool Filtered => new[] { From, To, Owner, Decision, Search }.Any(v => !string.IsNullOrEmpty(v));

    public bool IsAdmin => Caller.IsAdmin;

    public IReadOnlyList<CallLogEntry> Calls { get; private set; } = [];

    public long? NextBefore { get; private set; }

    public OwnerLists GroupsAndInboxes { get; private set; } = new([], []);

    /// <summary>The calls whose contact the call's agent has texted: those have a "Call" button.</summary>
    public IReadOnlySet<long> Callable { get; private set; } = new HashSet<long>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (IsAdmin)
        {
            GroupsAndInboxes = new OwnerLists(
                await groupsAndInboxes.GroupsAsync(OrganizationId, ct),
                await groupsAndInboxes.InboxesAsync(OrganizationId, ct));
        }

        var owner = OwnerChoice.Parse(Owner);
        var filter = new CallLogFilter
        {
            Before = Before,
            From = From,
            To = To,
            GroupId = owner.GroupId?.ToString(),
            InboxId = owner.InboxId?.ToString(),
            Decision = Decision,
            Search = Search is { } s && s.Any(char.IsDigit) ? null : Search,
        };
        var page = await log.PageAsync(OrganizationId, filter, Caller, ct);
        if (!page.Done)
        {
            return Refused(page.Refusal);
        }

        Calls = page.Value!.Items;
        NextBefore = page.Value.NextBefore;
        Callable = await outbound.CallableAsync(OrganizationId, Calls, Caller, ct);
        return Page();
    }

    /// <summary>Rings the call's agent, then (when they press 1) the contact; the page says what happened.</summary>
    public async Task<IActionResult> OnPostCallAsync(long callId, CancellationToken ct)
    {
        var started = await outbound.CallBackAsync(OrganizationId, callId, Caller, ct);
        Notice = started.Done
            ? $"Calling {started.Value!.AgentName}'s phone now, from {started.Value.Number}. When they press 1, " +
                "the contact's phone rings."
            : started.Refusal switch
            {
                Refusal.Forbidden f => f.Detail,
                Refusal.Unavailable u => u.Detail,
                Refusal.Upstream u => $"{u.Title}. {u.Detail}",
                Refusal.Missing => "That call is not in your call log.",
                _ => "The call could not be placed.",
            };
        return RedirectToPage(new { From, To, Owner, Decision, Before, Search });
    }

    /// <summary>
    /// A call's voicemail for the page's player: streamed from the provider by Switchboard, with Range support.
    /// </summary>
    public async Task<IActionResult> OnGetVoicemailAsync(long callId, CancellationToken ct) =>
        await voicemails.AudioAsync(OrganizationId, callId, Caller, ct) switch
        {
            VoicemailAudio.Found found =>
                new FileContentResult(found.Bytes, found.ContentType) { EnableRangeProcessing = true },
            VoicemailAudio.Gone => StatusCode(StatusCodes.Status410Gone),
            VoicemailAudio.Unavailable unavailable => StatusCode(unavailable.Status),
            _ => NotFound(),
        };

    public static string VoicemailUrl(long callId) => $"/panel/calls?handler=Voicemail&callId={callId}";

    public static string Length(int seconds) => $"{seconds / 60}:{seconds % 60:00}";

    public string NextPageUrl(long before) =>
        QueryHelpers.AddQueryString("/panel/calls", new Dictionary<string, string?>
        {
            ["From"] = From, ["To"] = To, ["Owner"] = Owner, ["Decision"] = Decision, ["Search"] = Search,
            ["Before"] = before.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
