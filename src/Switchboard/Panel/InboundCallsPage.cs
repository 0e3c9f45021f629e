using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel;

public sealed record InboundCallsOption(string Value, string Label, string? Hint = null);

public sealed record InboundCallsForm(
    IReadOnlyList<InboundCallsOption> Options,
    string? Mode,
    string? ForwardTo,
    string? ModeError,
    string? ForwardToError);

/// <summary>A page with the "Inbound calls" choice: the organization's, a group's or an inbox's.</summary>
public abstract class InboundCallsPage : PanelPage
{
    public const string LastAgent = "Connect to the agent who last texted them";

    [BindProperty]
    public string? Mode { get; set; }

    [BindProperty]
    public string? ForwardTo { get; set; }

    public IReadOnlyList<InboundCallsOption> Options { get; protected set; } = [];

    public InboundCallsForm Form => new(Options, Mode, ForwardTo, ErrorFor("mode"), ErrorFor("forwardTo"));

    /// <summary>What a setting does, in the words of the choice that makes it.</summary>
    public static string Describe(InboundCallsAnswer setting, PhoneDisplay phones) =>
        setting.Mode == "forward"
            ? $"connect them to {phones.Show(setting.ForwardTo!)}"
            : "connect to the agent who last texted them";

    protected void Show(InboundCallsAnswer current)
    {
        Mode = current.Mode;
        ForwardTo = current.ForwardTo;
    }

    protected IActionResult Saved<T>(Answer<T> answer) =>
        answer.Done ? Done("Saved. The next call follows the new setting.") : Refused(answer.Refusal);

    protected InboundCallsRequest Setting => new(Mode, ForwardTo);
}
