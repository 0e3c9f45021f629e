using Switchboard.Calls;

namespace Switchboard.Twilio;

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

    public static void MapOutboundWebhooks(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/calls/{callId:long}/outbound/answered", Answered).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/outbound/confirmed", Confirmed).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/outbound/dial-ended", DialEnded).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
    }

    /// <summary>
    /// The agent picked up: a prompt that only a person can answer, so the agent's voicemail is never connected to
    /// the contact. It names the organization and the group or inbox, never the contact's number.
    /// </summary>
    private static async Task<IResult> Answered(long callId, HttpRequest request, OutboundCalls calls, CallbackUrls urls, CancellationToken ct)
    {
        var prompt = await calls.AgentAnsweredAsync(callId, request.Form["CallSid"], ct);
        if (prompt is null)
        {
            return TwilioWebhooks.Xml(TwiML.Hangup());
        }

        var team = prompt.GroupName is { } group ? $", group {group}" : prompt.InboxName is { } inbox ? $", inbox {inbox}" : "";
        var words = $"This is {prompt.OrganizationName}{team}. You asked to call a contact. Press 1 to call your contact now. Press any other key to cancel.";
        return TwilioWebhooks.Xml(TwiML.Screen(words, urls.OutboundConfirmed(callId)));
    }

    /// <summary>1: dial the contact with the platform number as caller ID. Anything else, or silence: hang up.</summary>
    private static async Task<IResult> Confirmed(long callId, HttpRequest request, OutboundCalls calls, CallbackUrls urls, CancellationToken ct)
    {
        var dial = await calls.ConfirmAsync(callId, request.Form["Digits"], ct);
        return TwilioWebhooks.Xml(dial is null
            ? TwiML.Hangup()
            : TwiML.DialContact(dial.PlatformNumber, dial.Contact, urls.OutboundDialEnded(callId), urls.Status(callId, CallLeg.Contact)));
    }

    /// <summary>The dial to the contact ended: the agent hears why when they did not talk.</summary>
    private static async Task<IResult> DialEnded(long callId, HttpRequest request, OutboundCalls calls, CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var outcome = await calls.DialEndedAsync(callId, TwilioStatuses.Parse(form["DialCallStatus"]), bridged, TwilioWebhooks.ParseInt(form["DialCallDuration"]), ct);
        return TwilioWebhooks.Xml(outcome switch
        {
            CallOutcome.ContactNoAnswer => TwiML.SayThenHangup(ContactNoAnswer),
            CallOutcome.ContactBusy => TwiML.SayThenHangup(ContactBusy),
            CallOutcome.ContactFailed => TwiML.SayThenHangup(ContactFailed),
            _ => TwiML.Hangup(),
        });
    }
}
