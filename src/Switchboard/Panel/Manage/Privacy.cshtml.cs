using Microsoft.AspNetCore.Mvc;
using Switchboard.Phones;
using Switchboard.Privacy;

namespace Switchboard.Panel.Manage;

/// <summary>
/// How long texts and call records are kept, and forgetting a contact: the contact's number is posted (never in a
/// URL), the counts of what would go are shown first, and only a second, confirming post erases.
/// </summary>
public sealed class PrivacyModel(PrivacySettings settings, ContactErasure erasure) : PanelPage
{
    [BindProperty(Name = "dataRetentionDays")]
    public string? RetentionDays { get; set; }

    [BindProperty(Name = "number")]
    public string? Contact { get; set; }

    /// <summary>Set after "Forget…": what the confirmation would remove.</summary>
    public ContactForgotten? Preview { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        RetentionDays = (await settings.GetAsync(OrganizationId, ct)).DataRetentionDays?.ToString(
            System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnPostRetentionAsync(CancellationToken ct)
    {
        int? days = null;
        if (!string.IsNullOrWhiteSpace(RetentionDays))
        {
            if (!int.TryParse(
                RetentionDays.Trim(),
                System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture,
                out var parsed))
            {
                ModelState.AddModelError(
                    "dataRetentionDays",
                    "The number of days must be a whole number, or empty to keep everything");
                return Page();
            }

            days = parsed;
        }

        var saved = await settings.SetAsync(OrganizationId, new PrivacyRequest(days), ct);
        return !saved.Done ? Refused(saved.Refusal)
            : Done(
                saved.Value!.DataRetentionDays is { } kept
                    ? $"Saved. Texts and call records older than {kept} days are deleted."
                    : "Saved. Texts and call records are kept.");
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        var preview = await erasure.PreviewAsync(OrganizationId, Contact, ct);
        if (!preview.Done)
        {
            return Refused(preview.Refusal);
        }

        Preview = preview.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostForgetAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        var forgotten = await erasure.ForgetAsync(OrganizationId, Contact, ct);
        if (!forgotten.Done)
        {
            return Refused(forgotten.Refusal);
        }

        var f = forgotten.Value!;
        return Done(
            $"Contact {PhoneMask.Mask(Contact)} forgotten: {f.MessageEvents} texts and {f.LastTexts} " +
            "last-text entries deleted, " +
                $"{f.CallRecords} call records kept without the number, {f.Recordings} recordings " +
                $"deleted, {f.UndeliveredEvents} undelivered events dropped.");
    }
}
