using Switchboard.Calls;

namespace Switchboard.Providers;

/// <summary>
/// The webhooks of an outbound call, in the order the provider calls them: the agent picked up (the call's
/// <c>Url</c>), the agent's key at the prompt (the <c>Gather</c>'s action), the end of the dial to the contact
/// (the <c>Dial</c>'s action). Status callbacks of both legs go to <c>/calls/{id}/status/agent|contact</c>.
/// </summary>
public static class OutboundWebhooks
{
    public const string ContactNoAnswer = "Your contact did not answer. Goodbye.";
    public const string ContactBusy = "Your contact's line is busy. Goodbye.";
    public const string ContactFailed = "The call to your contact could not be completed. Goodbye.";

    public static void MapOutboundWebhooks(this RouteGroupBuilder provider, ICallMarkup markup)
    {
        var hangup = new WebhookFallback(markup.Hangup());
        provider.MapPost("/calls/{callId:long}/outbound/answered", Answered).WithMetadata(hangup);
        provider.MapPost("/calls/{callId:long}/outbound/confirmed", Confirmed).WithMetadata(hangup);
        provider.MapPost("/calls/{callId:long}/outbound/dial-ended", DialEnded).WithMetadata(hangup);
    }

    /// <summary>
    /// The agent picked up: a prompt that only a person can answer, so the agent's voicemail is never connected to
    /// the contact. It names the organization and the group or inbox, never the contact's number.
    /// </summary>
    private static async Task<IResult> Answered(
        long callId, HttpRequest request, OutboundCalls calls, CallbackUrls urls, CancellationToken ct)
    {
        var (markup, edgeUrls) = FormWebhooks.Edge(request, urls);
        var prompt = await calls.AgentAnsweredAsync(callId, request.Form["CallSid"], ct);
        if (prompt is null)
        {
            return FormWebhooks.Xml(markup.Hangup());
        }

        return FormWebhooks.Xml(markup.Screen(AgentPrompt(prompt), edgeUrls.OutboundConfirmed(callId)));
    }

    /// <summary>What the agent of an agent-made call hears on picking up, whatever the provider.</summary>
    public static string AgentPrompt(CallContext prompt)
    {
        var team = prompt.GroupName is { } group ? $", group {group}"
            : prompt.InboxName is { } inbox ? $", inbox {inbox}"
            : "";
        return $"This is {prompt.OrganizationName}{team}. You asked to call a contact. "
            + "Press 1 to call your contact now. Press any other key to cancel.";
    }

    /// <summary>
    /// 1: dial the contact with the platform number as caller ID. Anything else, or silence: hang up.
    /// </summary>
    private static async Task<IResult> Confirmed(
        long callId, HttpRequest request, OutboundCalls calls, CallbackUrls urls, CancellationToken ct)
    {
        var (markup, edgeUrls) = FormWebhooks.Edge(request, urls);
        var dial = await calls.ConfirmAsync(callId, request.Form["Digits"], ct);
        return FormWebhooks.Xml(dial is null
            ? markup.Hangup()
            : markup.DialContact(
                dial.PlatformNumber,
                dial.Contact,
                edgeUrls.OutboundDialEnded(callId),
                edgeUrls.Status(callId, CallLeg.Contact)));
    }

    /// <summary>The dial to the contact ended: the agent hears why when they did not talk.</summary>
    private static async Task<IResult> DialEnded(
        long callId, HttpRequest request, OutboundCalls calls, CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var dial = DialResult.Read(request.Form, edge);
        var outcome = await calls.DialEndedAsync(callId, dial.Status, dial.Bridged, dial.Seconds, ct);
        return FormWebhooks.Xml(outcome switch
        {
            CallOutcome.ContactNoAnswer => edge.Markup.SayThenHangup(ContactNoAnswer),
            CallOutcome.ContactBusy => edge.Markup.SayThenHangup(ContactBusy),
            CallOutcome.ContactFailed => edge.Markup.SayThenHangup(ContactFailed),
            _ => edge.Markup.Hangup(),
        });
    }
}
