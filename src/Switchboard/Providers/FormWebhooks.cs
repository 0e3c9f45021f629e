using System.Globalization;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Providers;

/// <summary>
/// The webhooks of a provider whose requests are forms in Twilio's field names (<c>CallSid</c>, <c>From</c>,
/// <c>To</c>, <c>Digits</c>, <c>DialCallStatus</c>, …): Twilio, SignalWire and Telnyx's TeXML. Each maps them under
/// <c>/webhooks/{provider}</c> with its own signature filter and markup (<see cref="ProviderEdge"/>); the work is
/// Switchboard's own services. Every answer is markup, even when something inside fails, because a 5xx would make
/// the provider play its own "application error".
/// </summary>
public static class FormWebhooks
{
    /// <summary>
    /// The provider's webhooks, checked by <typeparamref name="TSignatureFilter"/> before anything is read.
    /// </summary>
    public static RouteGroupBuilder MapFormWebhooks<TSignatureFilter>(this IEndpointRouteBuilder app, ProviderEdge edge)
        where TSignatureFilter : IEndpointFilter
    {
        var markup = edge.Markup;
        var group = app.MapGroup("/webhooks/" + edge.Provider.Segment())
            .WithMetadata(edge)
            .AddFilter<TSignatureFilter>()
            .AddFilter<AnswerBudgetFilter>()
            .RequireRateLimiting(WebhookRateLimit.Policy)
            .DisableAntiforgery()
            .WithBodyLimit(RequestLimits.MaxWebhookBodyBytes)
            .ExcludeFromDescription();

        var unavailable = new WebhookFallback(markup.SayThenHangup(Spoken.Unavailable));
        var acknowledged = new WebhookFallback(markup.Empty(), OnlyAcknowledges: true);
        var hangup = new WebhookFallback(markup.Hangup());
        group.MapPost("/voice", Voice).WithMetadata(new WebhookFallback(markup.SayThenHangup(Spoken.Error)));
        group.MapPost("/calls/{callId:long}/screen", Screen).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/screened", Screened).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/dial-ended", DialEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/team/{agentId:long}/screen", TeamScreen).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/team/{agentId:long}/screened", TeamScreened).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/team-ended", TeamEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/fallback-ended", FallbackEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/status/{leg}", LegStatus).WithMetadata(acknowledged);
        group.MapPost("/calls/{callId:long}/voicemail/recorded", VoicemailRecorded).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/voicemail/recording", VoicemailRecording).WithMetadata(acknowledged);
        group.MapPost("/calls/{callId:long}/voicemail/transcription", VoicemailTranscription)
            .WithMetadata(acknowledged);
        group.MapPost("/status", CallerStatus).WithMetadata(acknowledged);
        group.MapOutboundWebhooks(markup);
        return group;
    }

    private static async Task<IResult> Voice(
        HttpRequest request, InboundCalls calls, Voicemails voicemails, PhoneNormalizer phones, CallbackUrls urls,
        ILoggerFactory logs, CancellationToken ct)
    {
        var (markup, edgeUrls) = Edge(request, urls);
        var form = request.Form;
        var callSid = form["CallSid"].ToString();
        if (string.IsNullOrWhiteSpace(callSid) || callSid.Length > 64)
        {
            logs.CreateLogger(typeof(FormWebhooks))
                .LogWarning("Voice webhook without a usable CallSid; ending the call");
            return Xml(markup.SayThenHangup(Spoken.Error));
        }

        var called = phones.NormalizeOrNull(form["To"]);
        var caller = phones.NormalizeOrNull(form["From"]);
        var edge = ProviderEdge.Of(request.HttpContext);
        var check = edge.CheckCaller?.Invoke(form) ?? new CallerCheck(CallerVerification.None, null);
        var answer = await calls.ReceiveAsync(callSid, called, caller, check, edge.Provider.Segment(), ct);
        var id = answer.CallId;
        var words = Words.For(answer.Language);

        return Xml(answer.Outcome switch
        {
            RoutingOutcome.AfterHours when answer.AfterHours == AfterHoursMode.Voicemail =>
                await AfterHoursVoicemailAsync(markup, id, words, voicemails, edgeUrls, ct),
            RoutingOutcome.AfterHours => markup.AfterHours(words),
            RoutingOutcome.Forward => markup.Forward(
                answer.PlatformNumber, answer.ForwardTo!, edgeUrls.DialEnded(id), edgeUrls.Status(id, CallLeg.Forward)),
            RoutingOutcome.ConnectAgent => markup.DialAgent(
                answer.PlatformNumber,
                answer.AgentPhone!,
                edgeUrls.Screen(id),
                edgeUrls.DialEnded(id),
                edgeUrls.Status(id, CallLeg.Agent)),
            RoutingOutcome.AgentUnavailable when answer.Next is { } next =>
                await AfterAgentAsync(markup, id, next, voicemails, edgeUrls, ct),
            RoutingOutcome.AgentUnavailable =>
                await UnavailableAsync(markup, id, answer.Message, words, voicemails, edgeUrls, ct),
            _ when answer.RejectWithMessage =>
                await UnavailableAsync(markup, id, answer.Message, words, voicemails, edgeUrls, ct),
            _ => markup.Reject(),
        });
    }

    /// <summary>
    /// The unavailable message, then a voicemail when the call's group, inbox or organization takes them.
    /// </summary>
    private static async Task<string> UnavailableAsync(
        ICallMarkup markup,
        long callId,
        CallerMessage? message,
        Words words,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct) =>
        await voicemails.OfferAsync(callId, ct) is { } offer
            ? markup.Voicemail(message, Recording(callId, offer, urls), words)
            : markup.Unavailable(message, words);

    /// <summary>
    /// Closed now and the after-hours mode is voicemail (docs/hours.md): the stock after-hours words, then the
    /// recording of the voicemail path (its length and transcription follow the call options' voicemail settings,
    /// whether or not voicemail is on for calls nobody takes).
    /// </summary>
    private static async Task<string> AfterHoursVoicemailAsync(
        ICallMarkup markup, long callId, Words words, Voicemails voicemails, CallbackUrls urls, CancellationToken ct) =>
        markup.AfterHoursVoicemail(Recording(callId, await voicemails.AfterHoursOfferAsync(callId, ct), urls), words);

    private static VoicemailRecording Recording(long callId, VoicemailOffer offer, CallbackUrls urls) => new(
        offer.MaxSeconds,
        urls.VoicemailRecorded(callId),
        urls.VoicemailRecording(callId, offer.Transcribe),
        offer.Transcribe ? urls.VoicemailTranscription(callId) : null);

    /// <summary>
    /// What the caller gets once the agent did not take the call: the team (B8), the fallback number, or the
    /// unavailable message (and the voicemail when it is on).
    /// </summary>
    private static async Task<string> AfterAgentAsync(
        ICallMarkup markup,
        long callId,
        DialAnswer answer,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct) => answer switch
    {
        { End: DialEnd.Connected } => markup.Hangup(),
        { End: DialEnd.Team, PlatformNumber: { } number, Team: { } team } => markup.DialTeam(
            number,
            [.. team.Agents.Select(a => (a.Phone!, urls.TeamScreen(callId, a.AgentId)))],
            team.RingSeconds,
            urls.TeamEnded(callId)),
        { End: DialEnd.Fallback, PlatformNumber: { } number, FallbackTo: { } fallbackTo } => markup.Forward(
            number, fallbackTo, urls.FallbackEnded(callId), urls.Status(callId, CallLeg.Fallback)),
        _ => await UnavailableAsync(markup, callId, answer.Message, Words.For(answer.Language), voicemails, urls, ct),
    };

    /// <summary>
    /// The Record verb's action: the caller finished (#, silence, the limit) or hung up; thanks in their language.
    /// </summary>
    private static async Task<IResult> VoicemailRecorded(
        long callId, HttpRequest request, CallerMessages messages, CancellationToken ct)
    {
        var words = Words.For((await messages.SpokenForCallAsync(callId, ct)).Language);
        return Xml(ProviderEdge.Of(request.HttpContext).Markup.VoicemailRecorded(words));
    }

    /// <summary>
    /// The recording's status callback. Only the id is kept: the media is read later from the configured REST API,
    /// never from the <c>RecordingUrl</c> of the form.
    /// </summary>
    private static async Task<IResult> VoicemailRecording(
        long callId, HttpRequest request, Voicemails voicemails, CallbackUrls urls, CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var form = request.Form;
        var sid = form["RecordingSid"].ToString();
        RecordingResult? status = form["RecordingStatus"].ToString() switch
        {
            "completed" => RecordingResult.Completed,
            "absent" => RecordingResult.Absent,
            "failed" => RecordingResult.Failed,
            _ => null,
        };
        if (edge.IsRecordingId(sid) && status is { } result)
        {
            var transcribe = request.Query["transcribe"] == "true";
            await voicemails.RecordedAsync(
                callId, sid, result, ParseInt(form["RecordingDuration"]), transcribe, urls.BaseUrl, ct);
        }

        return Xml(edge.Markup.Empty());
    }

    private static async Task<IResult> VoicemailTranscription(
        long callId, HttpRequest request, Voicemails voicemails, CancellationToken ct)
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

        return Xml(ProviderEdge.Of(request.HttpContext).Markup.Empty());
    }

    private static async Task<IResult> Screen(
        long callId,
        HttpRequest request,
        InboundCalls calls,
        CallbackUrls urls,
        TimeProvider clock,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Edge(request, urls);
        var context = await calls.StartScreeningAsync(callId, request.Form["CallSid"], ct);
        if (context is null)
        {
            return Xml(markup.Hangup());
        }

        var words = Words.For(context.Language);
        var prompt = ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words);
        return Xml(markup.Screen(prompt, edgeUrls.Screened(callId), words));
    }

    private static async Task<IResult> Screened(
        long callId, HttpRequest request, InboundCalls calls, CancellationToken ct)
    {
        var markup = ProviderEdge.Of(request.HttpContext).Markup;
        var result = await calls.ScreenAsync(callId, request.Form["Digits"], ct);
        return Xml(result == ScreeningResult.Accepted ? markup.Empty() : markup.Hangup());
    }

    private static async Task<IResult> DialEnded(
        long callId,
        HttpRequest request,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var (markup, edgeUrls) = Edge(request, urls);
        var dial = DialResult.Read(request.Form, edge);
        var answer = await calls.FinishDialAsync(callId, dial.Status, dial.Bridged, dial.Seconds, dial.CallStatus, ct);
        return Xml(await AfterAgentAsync(markup, callId, answer, voicemails, edgeUrls, ct));
    }

    /// <summary>An agent of the team picked up: the same prompt as the agent's (without "you texted them").</summary>
    private static async Task<IResult> TeamScreen(
        long callId,
        long agentId,
        HttpRequest request,
        InboundCalls calls,
        CallbackUrls urls,
        TimeProvider clock,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Edge(request, urls);
        var context = await calls.StartTeamScreeningAsync(callId, agentId, ct);
        if (context is null)
        {
            return Xml(markup.Hangup());
        }

        var words = Words.For(context.Language);
        var prompt = ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words);
        return Xml(markup.Screen(prompt, edgeUrls.TeamScreened(callId, agentId), words));
    }

    /// <summary>The first of the team to press 1 is connected (an empty answer ends the screening).</summary>
    private static async Task<IResult> TeamScreened(
        long callId, long agentId, HttpRequest request, InboundCalls calls, CancellationToken ct)
    {
        var markup = ProviderEdge.Of(request.HttpContext).Markup;
        var result = await calls.TeamScreenAsync(callId, agentId, request.Form["Digits"], ct);
        return Xml(result == ScreeningResult.Accepted ? markup.Empty() : markup.Hangup());
    }

    private static async Task<IResult> TeamEnded(
        long callId,
        HttpRequest request,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var (markup, edgeUrls) = Edge(request, urls);
        var dial = DialResult.Read(request.Form, edge);
        var answer = await calls.FinishTeamDialAsync(
            callId, dial.Status, dial.Bridged, dial.Seconds, dial.CallStatus, ct);
        return Xml(await AfterAgentAsync(markup, callId, answer, voicemails, edgeUrls, ct));
    }

    /// <summary>The fallback number's dial ended (the agent had not taken the call).</summary>
    private static async Task<IResult> FallbackEnded(
        long callId,
        HttpRequest request,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var (markup, edgeUrls) = Edge(request, urls);
        var dial = DialResult.Read(request.Form, edge);
        var answer = await calls.FinishFallbackAsync(
            callId, dial.Status, dial.Bridged, dial.Seconds, dial.CallStatus, ct);
        return Xml(answer.End == DialEnd.Connected
            ? markup.Hangup()
            : await UnavailableAsync(
                markup, callId, answer.Message, Words.For(answer.Language), voicemails, edgeUrls, ct));
    }

    private static async Task<IResult> LegStatus(
        long callId, string leg, HttpRequest request, CallChanges calls, CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        if (!Enum.TryParse<CallLeg>(leg, ignoreCase: true, out var parsedLeg) || parsedLeg == CallLeg.Caller)
        {
            return Xml(edge.Markup.Empty());
        }

        await RecordStatus(edge, callId, parsedLeg, request.Form, calls, ct);
        return Xml(edge.Markup.Empty());
    }

    /// <summary>The caller's own leg; set as the number's "call status changes" URL at the provider.</summary>
    private static async Task<IResult> CallerStatus(
        HttpRequest request, InboundCalls calls, CallChanges changes, CancellationToken ct)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        var form = request.Form;
        if (await calls.FindByCallSidAsync(form["CallSid"].ToString(), ct) is { } callId)
        {
            await RecordStatus(edge, callId, CallLeg.Caller, form, changes, ct);
        }

        return Xml(edge.Markup.Empty());
    }

    private static async Task RecordStatus(
        ProviderEdge edge, long callId, CallLeg leg, IFormCollection form, CallChanges calls, CancellationToken ct)
    {
        if (edge.ParseStatus(form["CallStatus"]) is not { } status)
        {
            return;
        }

        DateTime? at = DateTimeOffset.TryParse(
            form["Timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime
            : null;
        await calls.RecordStatusAsync(callId, leg, status, at, ParseInt(form["CallDuration"]), form["CallSid"], ct);
    }

    /// <summary>The markup of the webhook's provider, and the URLs of its own webhooks.</summary>
    internal static (ICallMarkup Markup, CallbackUrls Urls) Edge(HttpRequest request, CallbackUrls urls)
    {
        var edge = ProviderEdge.Of(request.HttpContext);
        return (edge.Markup, urls.For(edge.Provider));
    }

    internal static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static IResult Xml(string markup) => TypedResults.Text(markup, WebhookFallback.ContentType);
}

/// <summary>The fields of a <c>Dial</c> action, in Switchboard's words.</summary>
internal sealed record DialResult(CallStatus? Status, bool? Bridged, int? Seconds, CallStatus? CallStatus)
{
    public static DialResult Read(IFormCollection form, ProviderEdge edge) => new(
        edge.ParseStatus(form["DialCallStatus"]),
        bool.TryParse(form["DialBridged"], out var b) ? b : null,
        FormWebhooks.ParseInt(form["DialCallDuration"]),
        edge.ParseStatus(form["CallStatus"]));
}
