using System.Globalization;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Calls.Voicemail;
using Switchboard.Speech;

namespace Switchboard.Twilio;

/// <summary>
/// Where a call enters. Every request is signature-checked; every answer is TwiML, even when something
/// inside fails, because a 5xx would make the provider play "an application error has occurred".
/// </summary>
public static class TwilioWebhooks
{
    public static void MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var twilio = app.MapGroup("/webhooks/twilio")
            .AddEndpointFilter<TwilioSignatureFilter>()
            .AddEndpointFilter<AnswerBudgetFilter>()
            .RequireRateLimiting(WebhookRateLimit.Policy)
            .DisableAntiforgery()
            .WithBodyLimit(RequestLimits.MaxWebhookBodyBytes)
            .ExcludeFromDescription();

        twilio.MapPost("/voice", Voice).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.ErrorMessage)));
        twilio.MapPost("/calls/{callId:long}/screen", Screen).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/screened", Screened).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/dial-ended", DialEnded).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.UnavailableMessage)));
        twilio.MapPost("/calls/{callId:long}/team/{agentId:long}/screen", TeamScreen)
            .WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/team/{agentId:long}/screened", TeamScreened)
            .WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/team-ended", TeamEnded)
            .WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.UnavailableMessage)));
        twilio.MapPost("/calls/{callId:long}/fallback-ended", FallbackEnded).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.UnavailableMessage)));
        twilio.MapPost("/calls/{callId:long}/status/{leg}", LegStatus).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapPost("/calls/{callId:long}/voicemail/recorded", VoicemailRecorded).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/voicemail/recording", VoicemailRecording).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapPost("/calls/{callId:long}/voicemail/transcription", VoicemailTranscription).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapPost("/status", CallerStatus).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapOutboundWebhooks();
    }

    private static async Task<IResult> Voice(
        HttpRequest request, InboundCalls calls, Voicemails voicemails, PhoneNormalizer phones, CallbackUrls urls, ILoggerFactory logs, CancellationToken ct)
    {
        var form = request.Form;
        var callSid = form["CallSid"].ToString();
        if (string.IsNullOrWhiteSpace(callSid) || callSid.Length > 64)
        {
            logs.CreateLogger(typeof(TwilioWebhooks)).LogWarning("Voice webhook without a usable CallSid; ending the call");
            return Xml(TwiML.SayThenHangup(TwiML.ErrorMessage));
        }

        var called = phones.NormalizeOrNull(form["To"]);
        var caller = phones.NormalizeOrNull(form["From"]);
        var answer = await calls.ReceiveAsync(callSid, called, caller, TwilioCallerVerification.Parse(form["StirVerstat"]), ct);
        var words = Words.For(answer.Language);

        return Xml(answer.Outcome switch
        {
            RoutingOutcome.AfterHours when answer.AfterHours == AfterHoursMode.Voicemail =>
                await AfterHoursVoicemailAsync(answer.CallId, words, voicemails, urls, ct),
            RoutingOutcome.AfterHours => TwiML.AfterHours(words),
            RoutingOutcome.Forward => TwiML.Forward(answer.PlatformNumber, answer.ForwardTo!, urls.DialEnded(answer.CallId), urls.Status(answer.CallId, CallLeg.Forward)),
            RoutingOutcome.ConnectAgent => TwiML.DialAgent(answer.PlatformNumber, answer.AgentPhone!, urls.Screen(answer.CallId), urls.DialEnded(answer.CallId), urls.Status(answer.CallId, CallLeg.Agent)),
            RoutingOutcome.AgentUnavailable when answer.Next is { } next =>
                await AfterAgentAsync(answer.CallId, next, voicemails, urls, ct),
            RoutingOutcome.AgentUnavailable => await UnavailableAsync(answer.CallId, answer.Message, words, voicemails, urls, ct),
            _ when answer.RejectWithMessage =>
                await UnavailableAsync(answer.CallId, answer.Message, words, voicemails, urls, ct),
            _ => TwiML.Reject(),
        });
    }

    /// <summary>The unavailable message, then a voicemail when the call's group, inbox or organization takes them.</summary>
    private static async Task<string> UnavailableAsync(
        long callId, CallerMessage? message, Words words, Voicemails voicemails, CallbackUrls urls, CancellationToken ct) =>
        await voicemails.OfferAsync(callId, ct) is { } offer
            ? TwiML.Voicemail(message, Recording(callId, offer, urls), words)
            : TwiML.Unavailable(message, words);

    /// <summary>
    /// Closed now and the after-hours mode is voicemail (docs/hours.md): the stock after-hours words, then the
    /// recording of the voicemail path (its length and transcription follow the call options' voicemail settings,
    /// whether or not voicemail is on for calls nobody takes).
    /// </summary>
    private static async Task<string> AfterHoursVoicemailAsync(
        long callId, Words words, Voicemails voicemails, CallbackUrls urls, CancellationToken ct) =>
        TwiML.AfterHoursVoicemail(Recording(callId, await voicemails.AfterHoursOfferAsync(callId, ct), urls), words);

    private static VoicemailRecording Recording(long callId, VoicemailOffer offer, CallbackUrls urls) => new(
        offer.MaxSeconds,
        urls.VoicemailRecorded(callId),
        urls.VoicemailRecording(callId, offer.Transcribe),
        offer.Transcribe ? urls.VoicemailTranscription(callId) : null);

    /// <summary>The Record verb's action: the caller finished (#, silence, the limit) or hung up; thanks in their language.</summary>
    private static async Task<IResult> VoicemailRecorded(long callId, CallerMessages messages, CancellationToken ct) =>
        Xml(TwiML.VoicemailRecorded(Words.For((await messages.SpokenForCallAsync(callId, ct)).Language)));

    /// <summary>
    /// The recording's status callback. Only the sid is kept: the media is read later from the configured REST API,
    /// never from the <c>RecordingUrl</c> of the form.
    /// </summary>
    private static async Task<IResult> VoicemailRecording(long callId, HttpRequest request, Voicemails voicemails, CallbackUrls urls, CancellationToken ct)
    {
        var form = request.Form;
        var sid = form["RecordingSid"].ToString();
        RecordingResult? status = form["RecordingStatus"].ToString() switch
        {
            "completed" => RecordingResult.Completed,
            "absent" => RecordingResult.Absent,
            "failed" => RecordingResult.Failed,
            _ => null,
        };
        if (TwilioRest.IsRecordingSid(sid) && status is { } result)
        {
            var transcribe = request.Query["transcribe"] == "true";
            await voicemails.RecordedAsync(callId, sid, result, ParseInt(form["RecordingDuration"]), transcribe, urls.BaseUrl, ct);
        }

        return Xml(TwiML.Empty());
    }

    private static async Task<IResult> VoicemailTranscription(long callId, HttpRequest request, Voicemails voicemails, CancellationToken ct)
    {
        var form = request.Form;
        TranscriptionResult? status = form["TranscriptionStatus"].ToString() switch
        {
            "completed" => TranscriptionResult.Completed,
            "failed" => TranscriptionResult.Failed,
            _ => null,
        };
        if (status is { } result)
        {
            await voicemails.TranscribedAsync(callId, result, form["TranscriptionText"], ct);
        }

        return Xml(TwiML.Empty());
    }

    private static async Task<IResult> Screen(long callId, HttpRequest request, InboundCalls calls, CallbackUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var context = await calls.StartScreeningAsync(callId, request.Form["CallSid"], ct);
        if (context is null)
        {
            return Xml(TwiML.Hangup());
        }

        var words = Words.For(context.Language);
        return Xml(TwiML.Screen(ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words), urls.Screened(callId), words));
    }

    private static async Task<IResult> Screened(long callId, HttpRequest request, InboundCalls calls, CancellationToken ct)
    {
        var result = await calls.ScreenAsync(callId, request.Form["Digits"], ct);
        return Xml(result == ScreeningResult.Accepted ? TwiML.Empty() : TwiML.Hangup());
    }

    private static async Task<IResult> DialEnded(long callId, HttpRequest request, InboundCalls calls, Voicemails voicemails, CallbackUrls urls, CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var answer = await calls.FinishDialAsync(callId, TwilioStatuses.Parse(form["DialCallStatus"]), bridged, ParseInt(form["DialCallDuration"]), TwilioStatuses.Parse(form["CallStatus"]), ct);
        return Xml(await AfterAgentAsync(callId, answer, voicemails, urls, ct));
    }

    /// <summary>
    /// What the caller gets once the agent did not take the call: the team (B8), the fallback number, or the
    /// unavailable message (and the voicemail when it is on).
    /// </summary>
    private static async Task<string> AfterAgentAsync(
        long callId, DialAnswer answer, Voicemails voicemails, CallbackUrls urls, CancellationToken ct) => answer switch
    {
        { End: DialEnd.Connected } => TwiML.Hangup(),
        { End: DialEnd.Team, PlatformNumber: { } number, Team: { } team } => TwiML.DialTeam(
            number,
            [.. team.Agents.Select(a => (a.Phone!, urls.TeamScreen(callId, a.AgentId)))],
            team.RingSeconds,
            urls.TeamEnded(callId)),
        { End: DialEnd.Fallback, PlatformNumber: { } number, FallbackTo: { } fallbackTo } =>
            TwiML.Forward(number, fallbackTo, urls.FallbackEnded(callId), urls.Status(callId, CallLeg.Fallback)),
        _ => await UnavailableAsync(callId, answer.Message, Words.For(answer.Language), voicemails, urls, ct),
    };

    /// <summary>An agent of the team picked up: the same prompt as the agent's (without "you texted them").</summary>
    private static async Task<IResult> TeamScreen(
        long callId, long agentId, InboundCalls calls, CallbackUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var context = await calls.StartTeamScreeningAsync(callId, agentId, ct);
        if (context is null)
        {
            return Xml(TwiML.Hangup());
        }

        var words = Words.For(context.Language);
        var prompt = ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words);
        return Xml(TwiML.Screen(prompt, urls.TeamScreened(callId, agentId), words));
    }

    /// <summary>The first of the team to press 1 is connected (an empty answer ends the screening).</summary>
    private static async Task<IResult> TeamScreened(
        long callId, long agentId, HttpRequest request, InboundCalls calls, CancellationToken ct)
    {
        var result = await calls.TeamScreenAsync(callId, agentId, request.Form["Digits"], ct);
        return Xml(result == ScreeningResult.Accepted ? TwiML.Empty() : TwiML.Hangup());
    }

    private static async Task<IResult> TeamEnded(
        long callId, HttpRequest request, InboundCalls calls, Voicemails voicemails, CallbackUrls urls,
        CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var answer = await calls.FinishTeamDialAsync(
            callId,
            TwilioStatuses.Parse(form["DialCallStatus"]),
            bridged,
            ParseInt(form["DialCallDuration"]),
            TwilioStatuses.Parse(form["CallStatus"]),
            ct);
        return Xml(await AfterAgentAsync(callId, answer, voicemails, urls, ct));
    }

    /// <summary>The fallback number's dial ended (the agent had not taken the call).</summary>
    private static async Task<IResult> FallbackEnded(long callId, HttpRequest request, InboundCalls calls, Voicemails voicemails, CallbackUrls urls, CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var answer = await calls.FinishFallbackAsync(callId, TwilioStatuses.Parse(form["DialCallStatus"]), bridged, ParseInt(form["DialCallDuration"]), TwilioStatuses.Parse(form["CallStatus"]), ct);
        return Xml(answer.End == DialEnd.Connected
            ? TwiML.Hangup()
            : await UnavailableAsync(callId, answer.Message, Words.For(answer.Language), voicemails, urls, ct));
    }

    private static async Task<IResult> LegStatus(long callId, string leg, HttpRequest request, CallChanges calls, CancellationToken ct)
    {
        if (!Enum.TryParse<CallLeg>(leg, ignoreCase: true, out var parsedLeg) || parsedLeg == CallLeg.Caller)
        {
            return Xml(TwiML.Empty());
        }

        await RecordStatus(callId, parsedLeg, request.Form, calls, ct);
        return Xml(TwiML.Empty());
    }

    /// <summary>The caller's own leg; set as the number's "call status changes" URL at the provider.</summary>
    private static async Task<IResult> CallerStatus(HttpRequest request, InboundCalls calls, CallChanges changes, CancellationToken ct)
    {
        var form = request.Form;
        if (await calls.FindByCallSidAsync(form["CallSid"].ToString(), ct) is { } callId)
        {
            await RecordStatus(callId, CallLeg.Caller, form, changes, ct);
        }

        return Xml(TwiML.Empty());
    }

    private static async Task RecordStatus(long callId, CallLeg leg, IFormCollection form, CallChanges calls, CancellationToken ct)
    {
        if (TwilioStatuses.Parse(form["CallStatus"]) is not { } status)
        {
            return;
        }

        DateTime? at = DateTimeOffset.TryParse(form["Timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime : null;
        await calls.RecordStatusAsync(callId, leg, status, at, ParseInt(form["CallDuration"]), form["CallSid"], ct);
    }

    internal static int? ParseInt(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static IResult Xml(string twiml) => TypedResults.Text(twiml, TwiML.ContentType);
}

/// <summary>The TwiML a webhook answers when it cannot do its work (database down, unexpected error).</summary>
/// <param name="OnlyAcknowledges">
/// The answer only acknowledges (a status callback; nobody hears it): past the budget it is sent at once, but
/// the work goes on up to the provider's own timeout, so that a database that is only slow loses nothing.
/// </param>
public sealed record TwiMLFallback(string Document, bool OnlyAcknowledges = false);
