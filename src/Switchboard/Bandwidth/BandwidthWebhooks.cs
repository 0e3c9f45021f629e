using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Phones;
using Switchboard.Providers;
using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Bandwidth;

/// <summary>
/// Where a Bandwidth call enters: the Voice application's "call initiated" URL <c>POST /webhooks/bandwidth/voice</c>
/// (the <c>initiate</c> event), its "call status" URL <c>…/status</c> (<c>disconnect</c>), and the URLs its BXML
/// names. Bandwidth's webhooks are JSON events, not Twilio's forms, so they are mapped here, each to the service the
/// form webhooks call (<see cref="FormWebhooks"/>), with the same paths:
/// <c>transferAnswer</c> → the agent's prompt, <c>gather</c> → the key, <c>transferComplete</c> → the dial's end,
/// <c>transferDisconnect</c> → a dialed leg's status, <c>recordComplete</c> → the thanks, the team's
/// <c>transferAnswer</c>, <c>gather</c> and <c>transferComplete</c> → its screening and its end, and for
/// agent-made calls <c>answer</c>, <c>gather</c> and <c>transferComplete</c>; <c>recordingAvailable</c> keeps the
/// voicemail's recording (<see cref="BandwidthRest"/> reads it), and <c>transcriptionAvailable</c> its transcript.
/// </summary>
public static class BandwidthWebhooks
{
    public static readonly ProviderEdge Edge = new(
        Provider.Bandwidth, Bxml.WithoutCredentials, BandwidthEvent.ParseCause, BandwidthRest.IsRecordingId);

    public static RouteGroupBuilder MapBandwidthWebhooks(this IEndpointRouteBuilder app)
    {
        var markup = Bxml.WithoutCredentials;
        var group = app.MapGroup("/webhooks/" + Provider.Bandwidth.Segment())
            .WithMetadata(Edge)
            .AddFilter<BandwidthCallbackFilter>()
            .AddFilter<AnswerBudgetFilter>()
            .RequireRateLimiting(WebhookRateLimit.Policy)
            .DisableAntiforgery()
            .WithBodyLimit(RequestLimits.MaxWebhookBodyBytes)
            .ExcludeFromDescription();

        var unavailable = new WebhookFallback(markup.SayThenHangup(Spoken.Unavailable));
        var acknowledged = new WebhookFallback(markup.Empty(), OnlyAcknowledges: true);
        var hangup = new WebhookFallback(markup.Hangup());
        group.MapPost("/voice", Initiate).WithMetadata(new WebhookFallback(markup.SayThenHangup(Spoken.Error)));
        group.MapPost("/calls/{callId:long}/screen", TransferAnswer).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/screened", Screened).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/dial-ended", DialEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/team/{agentId:long}/screen", TeamAnswer).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/team/{agentId:long}/screened", TeamScreened).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/team-ended", TeamEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/fallback-ended", FallbackEnded).WithMetadata(unavailable);
        group.MapPost("/calls/{callId:long}/status/{leg}", LegStatus).WithMetadata(acknowledged);
        group.MapPost("/calls/{callId:long}/voicemail/recorded", RecordComplete).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/voicemail/recording", RecordingAvailable).WithMetadata(acknowledged);
        group.MapPost("/calls/{callId:long}/voicemail/transcription", TranscriptionAvailable)
            .WithMetadata(acknowledged);
        group.MapPost("/calls/{callId:long}/outbound/answered", OutboundAnswered).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/outbound/confirmed", OutboundConfirmed).WithMetadata(hangup);
        group.MapPost("/calls/{callId:long}/outbound/dial-ended", OutboundDialEnded).WithMetadata(hangup);
        group.MapPost("/status", Disconnect).WithMetadata(acknowledged);
        return group;
    }

    private static async Task<IResult> Initiate(
        HttpContext http,
        InboundCalls calls,
        Voicemails voicemails,
        PhoneNormalizer phones,
        CallbackUrls urls,
        ILoggerFactory logs,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var initiate = BandwidthEvent.Of(http);
        if (initiate.CallId is not { Length: > 0 and <= 64 } callSid || string.IsNullOrWhiteSpace(callSid))
        {
            logs.CreateLogger(typeof(BandwidthWebhooks))
                .LogWarning("Bandwidth initiate without a usable callId; ending the call");
            return Xml(markup.SayThenHangup(Spoken.Error));
        }

        var answer = await calls.ReceiveAsync(
            callSid,
            phones.NormalizeOrNull(initiate.To),
            phones.NormalizeOrNull(initiate.From),
            initiate.Verification,
            Provider.Bandwidth.Segment(),
            ct);
        var id = answer.CallId;
        var words = Words.For(answer.Language);
        return Xml(answer.Outcome switch
        {
            RoutingOutcome.AfterHours when answer.AfterHours == AfterHoursMode.Voicemail => markup.AfterHoursVoicemail(
                Recording(id, await voicemails.AfterHoursOfferAsync(id, ct), edgeUrls), words),
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

    /// <summary>The agent picked up the transferred leg: the prompt runs on that leg before the bridge.</summary>
    private static async Task<IResult> TransferAnswer(
        long callId,
        HttpContext http,
        InboundCalls calls,
        CallbackUrls urls,
        TimeProvider clock,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var context = await calls.StartScreeningAsync(callId, BandwidthEvent.Of(http).CallId, ct);
        if (context is null)
        {
            return Xml(markup.Hangup());
        }

        var words = Words.For(context.Language);
        var prompt = ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words);
        return Xml(markup.Screen(prompt, edgeUrls.Screened(callId), words));
    }

    /// <summary>1: nothing more runs on the agent's leg, so Bandwidth bridges it. Anything else: hang it up.</summary>
    private static async Task<IResult> Screened(
        long callId, HttpContext http, InboundCalls calls, CancellationToken ct)
    {
        var result = await calls.ScreenAsync(callId, BandwidthEvent.Of(http).Digits, ct);
        var markup = Bxml.WithoutCredentials;
        return Xml(result == ScreeningResult.Accepted ? markup.Empty() : markup.Hangup());
    }

    /// <summary>
    /// transferComplete carries no "bridged" flag: whether the agent took the call is Switchboard's own record of
    /// the screening (a forward is connected when its leg ended normally).
    /// </summary>
    private static async Task<IResult> DialEnded(
        long callId,
        HttpContext http,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var ended = BandwidthEvent.Of(http);
        var answer = await calls.FinishDialAsync(callId, ended.Status, null, ended.Seconds, null, ct);
        return Xml(await AfterAgentAsync(markup, callId, answer, voicemails, edgeUrls, ct));
    }

    /// <summary>An agent of the team picked up its leg of the Transfer: that agent's prompt runs on it.</summary>
    private static async Task<IResult> TeamAnswer(
        long callId,
        long agentId,
        HttpContext http,
        InboundCalls calls,
        CallbackUrls urls,
        TimeProvider clock,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var context = await calls.StartTeamScreeningAsync(callId, agentId, ct);
        if (context is null)
        {
            return Xml(markup.Hangup());
        }

        var words = Words.For(context.Language);
        var prompt = ScreeningPrompt.For(context, clock.GetUtcNow().UtcDateTime, words);
        return Xml(markup.Screen(prompt, edgeUrls.TeamScreened(callId, agentId), words));
    }

    /// <summary>The first of the team to press 1 is bridged (nothing left to run on the leg); others hang up.</summary>
    private static async Task<IResult> TeamScreened(
        long callId, long agentId, HttpContext http, InboundCalls calls, CancellationToken ct)
    {
        var result = await calls.TeamScreenAsync(callId, agentId, BandwidthEvent.Of(http).Digits, ct);
        var markup = Bxml.WithoutCredentials;
        return Xml(result == ScreeningResult.Accepted ? markup.Empty() : markup.Hangup());
    }

    /// <summary>The team's Transfer ended: as the agent's, whether one took it is Switchboard's own record.</summary>
    private static async Task<IResult> TeamEnded(
        long callId,
        HttpContext http,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var ended = BandwidthEvent.Of(http);
        var answer = await calls.FinishTeamDialAsync(callId, ended.Status, null, ended.Seconds, null, ct);
        return Xml(await AfterAgentAsync(markup, callId, answer, voicemails, edgeUrls, ct));
    }

    /// <summary>
    /// What the caller gets once the agent did not take the call: the team (B8), the fallback number, or the
    /// unavailable message (and the voicemail when it is on).
    /// </summary>
    private static async Task<string> AfterAgentAsync(
        Bxml markup,
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

    private static async Task<IResult> FallbackEnded(
        long callId,
        HttpContext http,
        InboundCalls calls,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var ended = BandwidthEvent.Of(http);
        var answer = await calls.FinishFallbackAsync(callId, ended.Status, null, ended.Seconds, null, ct);
        return Xml(answer.End == DialEnd.Connected
            ? markup.Hangup()
            : await UnavailableAsync(
                markup, callId, answer.Message, Words.For(answer.Language), voicemails, edgeUrls, ct));
    }

    /// <summary>transferDisconnect of a dialed leg (and the disconnect of an agent-made call's agent leg).</summary>
    private static async Task<IResult> LegStatus(
        long callId, string leg, HttpContext http, CallChanges changes, CancellationToken ct)
    {
        if (Enum.TryParse<CallLeg>(leg, ignoreCase: true, out var parsedLeg) && parsedLeg != CallLeg.Caller)
        {
            await RecordEndAsync(BandwidthEvent.Of(http), callId, parsedLeg, changes, ct);
        }

        return Xml(Bxml.WithoutCredentials.Empty());
    }

    /// <summary>The application's "call status" URL: the caller's own leg ended (its <c>cause</c>).</summary>
    private static async Task<IResult> Disconnect(
        HttpContext http, InboundCalls calls, CallChanges changes, CancellationToken ct)
    {
        var disconnect = BandwidthEvent.Of(http);
        if (disconnect.CallId is { Length: > 0 } callSid && await calls.FindByCallSidAsync(callSid, ct) is { } id)
        {
            await RecordEndAsync(disconnect, id, CallLeg.Caller, changes, ct);
        }

        return Xml(Bxml.WithoutCredentials.Empty());
    }

    private static async Task RecordEndAsync(
        BandwidthEvent ended, long callId, CallLeg leg, CallChanges changes, CancellationToken ct)
    {
        if (ended.Status is { } status)
        {
            await changes.RecordStatusAsync(callId, leg, status, ended.EndTime, ended.Seconds, ended.CallId, ct);
        }
    }

    /// <summary>The Record verb's end: thanks in the caller's language.</summary>
    private static async Task<IResult> RecordComplete(long callId, CallerMessages messages, CancellationToken ct) =>
        Xml(Bxml.WithoutCredentials.VoicemailRecorded(
            Words.For((await messages.SpokenForCallAsync(callId, ct)).Language)));

    private static IResult Acknowledge() => Xml(Bxml.WithoutCredentials.Empty());

    /// <summary>
    /// <c>recordingAvailable</c>: the recording's id is kept (its media is read later by the call's id and the
    /// recording's, never from the event's <c>mediaUrl</c>), and its length decides whether it is a voicemail.
    /// </summary>
    private static async Task<IResult> RecordingAvailable(
        long callId, HttpContext http, Voicemails voicemails, CallbackUrls urls, CancellationToken ct)
    {
        var available = BandwidthEvent.Of(http);
        if (BandwidthRest.IsRecordingId(available.RecordingId) && available.Recording is { } result)
        {
            await voicemails.RecordedAsync(
                callId,
                available.RecordingId!,
                result,
                available.RecordingSeconds,
                http.Request.Query["transcribe"] == "true",
                urls.BaseUrl,
                ct);
        }

        return Acknowledge();
    }

    /// <summary>
    /// <c>transcriptionAvailable</c>: when Bandwidth says the transcript is <c>available</c>, it is read from the
    /// Voice API by the call's id and the recording's (never from the event's <c>transcription.url</c>); any other
    /// final status means the voicemail has none.
    /// </summary>
    private static async Task<IResult> TranscriptionAvailable(
        long callId, HttpContext http, Voicemails voicemails, BandwidthRest bandwidth, CancellationToken ct)
    {
        var available = BandwidthEvent.Of(http);
        switch (available.Transcription)
        {
            case TranscriptionResult.Completed
                when available is { CallId: { } callSid, RecordingId: { } recordingId }
                && await bandwidth.TranscriptAsync(callSid, recordingId, ct) is { } text:
                await voicemails.TranscribedAsync(callId, TranscriptionResult.Completed, text, ct);
                break;
            case TranscriptionResult.Completed:
                // Not readable now: the voicemail is reported without it once the transcript wait is over.
                break;
            case TranscriptionResult.Failed:
                await voicemails.TranscribedAsync(callId, TranscriptionResult.Failed, null, ct);
                break;
        }

        return Acknowledge();
    }

    /// <summary>The agent picked up the call the Voice API placed: a prompt only a person can answer.</summary>
    private static async Task<IResult> OutboundAnswered(
        long callId,
        HttpContext http,
        OutboundCalls calls,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var prompt = await calls.AgentAnsweredAsync(callId, BandwidthEvent.Of(http).CallId, ct);
        if (prompt is null)
        {
            return Xml(markup.Hangup());
        }

        return Xml(markup.Screen(OutboundWebhooks.AgentPrompt(prompt), edgeUrls.OutboundConfirmed(callId)));
    }

    private static async Task<IResult> OutboundConfirmed(
        long callId,
        HttpContext http,
        OutboundCalls calls,
        CallbackUrls urls,
        CancellationToken ct)
    {
        var (markup, edgeUrls) = Markup(http, urls);
        var dial = await calls.ConfirmAsync(callId, BandwidthEvent.Of(http).Digits, ct);
        return Xml(dial is null
            ? markup.Hangup()
            : markup.DialContact(
                dial.PlatformNumber,
                dial.Contact,
                edgeUrls.OutboundDialEnded(callId),
                edgeUrls.Status(callId, CallLeg.Contact)));
    }

    private static async Task<IResult> OutboundDialEnded(
        long callId, HttpContext http, OutboundCalls calls, CancellationToken ct)
    {
        var ended = BandwidthEvent.Of(http);
        var outcome = await calls.DialEndedAsync(callId, ended.Status, null, ended.Seconds, ct);
        var markup = Bxml.WithoutCredentials;
        return Xml(outcome switch
        {
            CallOutcome.ContactNoAnswer => markup.SayThenHangup(OutboundWebhooks.ContactNoAnswer),
            CallOutcome.ContactBusy => markup.SayThenHangup(OutboundWebhooks.ContactBusy),
            CallOutcome.ContactFailed => markup.SayThenHangup(OutboundWebhooks.ContactFailed),
            _ => markup.Hangup(),
        });
    }

    /// <summary>
    /// The unavailable message, then a voicemail when the call's group, inbox or organization takes them.
    /// </summary>
    private static async Task<string> UnavailableAsync(
        Bxml markup,
        long callId,
        CallerMessage? message,
        Words words,
        Voicemails voicemails,
        CallbackUrls urls,
        CancellationToken ct) =>
        await voicemails.OfferAsync(callId, ct) is { } offer
            ? markup.Voicemail(message, Recording(callId, offer, urls), words)
            : markup.Unavailable(message, words);

    private static VoicemailRecording Recording(long callId, VoicemailOffer offer, CallbackUrls urls) => new(
        offer.MaxSeconds,
        urls.VoicemailRecorded(callId),
        urls.VoicemailRecording(callId, offer.Transcribe),
        offer.Transcribe ? urls.VoicemailTranscription(callId) : null);

    /// <summary>
    /// BXML that signs Bandwidth in to the URLs it names with the callback credentials this webhook signed in with
    /// (the call's organization's), and those URLs.
    /// </summary>
    private static (Bxml Markup, CallbackUrls Urls) Markup(HttpContext http, CallbackUrls urls)
    {
        var bandwidth = BandwidthCallbackFilter.SignedInAs(http);
        return (new Bxml(bandwidth?.CallbackUsername, bandwidth?.CallbackPassword), urls.For(Provider.Bandwidth));
    }

    private static IResult Xml(string bxml) => TypedResults.Text(bxml, Bxml.ContentType);
}
