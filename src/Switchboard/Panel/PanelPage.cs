using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Switchboard.Authorization;
using Switchboard.Kernel;

namespace Switchboard.Panel;

/// <summary>
/// What every panel page shares: who is signed in, and how a refused change is shown beside its field.
/// </summary>
public abstract class PanelPage : PageModel
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["forwardTo"] = "The phone number",
        ["phone"] = "The phone number",
        ["contact"] = "The contact number",
        ["number"] = "The number",
        ["dataRetentionDays"] = "The number of days",
        ["name"] = "The name",
        ["email"] = "The email",
        ["password"] = "The password",
        ["mode"] = "The choice",
        ["role"] = "The role",
        ["groupId"] = "The group",
        ["inboxId"] = "The inbox",
        ["agentId"] = "The agent",
        ["url"] = "The events URL",
        ["secret"] = "The signing secret",
        ["fallback.mode"] = "The choice",
        ["fallback.forwardTo"] = "The fallback phone number",
        ["unavailableMessage.say"] = "The words",
        ["unavailableMessage.voice"] = "The voice",
        ["unavailableMessage.language"] = "The language",
        ["unavailableMessage.play"] = "The recording URL",
        ["lastTextMaxAgeDays"] = "The number of days",
        ["from"] = "The first day",
        ["to"] = "The last day",
        ["groupBy"] = "The grouping",
    };

    /// <summary>A message from the last change, shown once after the redirect that follows it.</summary>
    [TempData]
    public string? Notice { get; set; }

    protected Caller Caller => HttpContext.GetCaller();

    protected long OrganizationId =>
        Caller.OrganizationId ?? throw new InvalidOperationException("A panel user belongs to an organization");

    /// <summary>The first message about a field, whatever the case of its name.</summary>
    public string? ErrorFor(string field) =>
        ModelState.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Value?.Errors ?? []).Select(e => e.ErrorMessage).FirstOrDefault();

    /// <summary>A labelled input with its message, for the <c>_Field</c> partial.</summary>
    public FieldModel Field(
        string name,
        string label,
        string? value,
        string type = "text",
        string? autocomplete = null,
        string? hint = null) =>
        new(name, label, value, type, autocomplete, hint, ErrorFor(name));

    /// <summary>Reports success and shows the page afresh (post, redirect, get).</summary>
    protected IActionResult Done(string notice)
    {
        Notice = notice;
        return RedirectToPage();
    }

    /// <summary>
    /// A missing thing is the 404 page, a forbidden one the 403 page; anything else is told beside its field, the input
    /// kept.
    /// </summary>
    protected IActionResult Refused(Refusal refusal)
    {
        switch (refusal)
        {
            case Refusal.Missing:
                return NotFound();
            case Refusal.Forbidden:
                return Forbid(PanelSetup.Scheme);
            case Refusal.Taken taken:
                ModelState.AddModelError(taken.Field, taken.Detail);
                break;
            case Refusal.Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    foreach (var message in messages)
                    {
                        ModelState.AddModelError(field, Sentence(field, message));
                    }
                }

                break;
        }

        return Page();
    }

    /// <summary>The services speak of fields ("is required"); beside a field, the panel says whose it is.</summary>
    private static string Sentence(string field, string message) =>
        message.StartsWith("is ", StringComparison.Ordinal) || message.StartsWith("must ", StringComparison.Ordinal)
            ? $"{Labels.GetValueOrDefault(field, "This field")} {message}"
            : char.ToUpperInvariant(message[0]) + message[1..];
}

public sealed record FieldModel(
    string Name,
    string Label,
    string? Value,
    string Type,
    string? Autocomplete,
    string? Hint,
    string? Error);
