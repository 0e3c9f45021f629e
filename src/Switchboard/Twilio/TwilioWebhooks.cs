using System.Globalization;
using Microsoft.Extensions.Options;
using Switchboard.Calls;
using Switchboard.Phones;
using Switchboard.Routing;
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
            .RequireRateLimiting(WebhookRateLimit.Policy)
            .DisableAntiforgery()
            .WithBodyLimit(RequestLimits.MaxWebhookBodyBytes)
            .ExcludeFromDescription();

        twilio.MapPost("/voice", Voice).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.ErrorMessage)));
        twilio.MapPost("/calls/{callId:long}/screen", Screen).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/screened", Screened).WithMetadata(new TwiMLFallback(TwiML.Hangup()));
        twilio.MapPost("/calls/{callId:long}/dial-ended", DialEnded).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.UnavailableMessage)));
        twilio.MapPost("/calls/{callId:long}/fallback-ended", FallbackEnded).WithMetadata(new TwiMLFallback(TwiML.SayThenHangup(TwiML.UnavailableMessage)));
        twilio.MapPost("/calls/{callId:long}/status/{leg}", LegStatus).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapPost("/status", CallerStatus).WithMetadata(new TwiMLFallback(TwiML.Empty(), OnlyAcknowledges: true));
        twilio.MapOutboundWebhooks();
    }

    private static async Task<IResult> Voice(HttpRequest request, InboundCalls calls, PhoneNormalizer phones, CallbackUrls urls, ILoggerFactory logs, CancellationToken ct)
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
            RoutingOutcome.AfterHours when answer.AfterHours == AfterHoursMode.Voicemail => AfterHoursVoicemail(answer, words),
            RoutingOutcome.AfterHours => TwiML.AfterHours(words),
            RoutingOutcome.Forward => TwiML.Forward(answer.PlatformNumber, answer.ForwardTo!, urls.DialEnded(answer.CallId), urls.Status(answer.CallId, CallLeg.Forward)),
            RoutingOutcome.ConnectAgent => TwiML.DialAgent(answer.PlatformNumber, answer.AgentPhone!, urls.Screen(answer.CallId), urls.DialEnded(answer.CallId), urls.Status(answer.CallId, CallLeg.Agent)),
            RoutingOutcome.AgentUnavailable => TwiML.Unavailable(answer.Message, words),
            _ when answer.RejectWithMessage => TwiML.Unavailable(answer.Message, words),
            _ => TwiML.Reject(),
        });
    }

    /// <summary>
    /// Seam for after-hours voicemail (docs/hours.md): until the voicemail of the missed-calls work is on main, the
    /// caller hears the unavailable message (the group's, inbox's or organization's, else the stock one) and the call ends.
    /// </summary>
    private static string AfterHoursVoicemail(CallAnswer answer, Words words) => TwiML.Unavailable(answer.Message, words);

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

    private static async Task<IResult> DialEnded(long callId, HttpRequest request, InboundCalls calls, CallbackUrls urls, CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var answer = await calls.FinishDialAsync(callId, TwilioStatuses.Parse(form["DialCallStatus"]), bridged, ParseInt(form["DialCallDuration"]), TwilioStatuses.Parse(form["CallStatus"]), ct);
        return Xml(answer switch
        {
            { End: DialEnd.Connected } => TwiML.Hangup(),
            { End: DialEnd.Fallback, PlatformNumber: { } number, FallbackTo: { } fallbackTo } =>
                TwiML.Forward(number, fallbackTo, urls.FallbackEnded(callId), urls.Status(callId, CallLeg.Fallback)),
            _ => TwiML.Unavailable(answer.Message, Words.For(answer.Language)),
        });
    }

    /// <summary>The fallback number's dial ended (the agent had not taken the call).</summary>
    private static async Task<IResult> FallbackEnded(long callId, HttpRequest request, InboundCalls calls, CancellationToken ct)
    {
        var form = request.Form;
        bool? bridged = bool.TryParse(form["DialBridged"], out var b) ? b : null;
        var answer = await calls.FinishFallbackAsync(callId, TwilioStatuses.Parse(form["DialCallStatus"]), bridged, ParseInt(form["DialCallDuration"]), TwilioStatuses.Parse(form["CallStatus"]), ct);
        return Xml(answer.End == DialEnd.Connected ? TwiML.Hangup() : TwiML.Unavailable(answer.Message, Words.For(answer.Language)));
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

/// <summary>Builds the absolute URLs Switchboard puts into its TwiML for the provider to call back.</summary>
public sealed class CallbackUrls(IOptions<SwitchboardOptions> options, IHttpContextAccessor http)
{
    public string Screen(long callId) => Url($"/webhooks/twilio/calls/{callId}/screen");

    public string Screened(long callId) => Url($"/webhooks/twilio/calls/{callId}/screened");

    public string DialEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/dial-ended");

    public string FallbackEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/fallback-ended");

    public string OutboundAnswered(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/answered");

    public string OutboundConfirmed(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/confirmed");

    public string OutboundDialEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/dial-ended");

    public string Status(long callId, CallLeg leg) => Url($"/webhooks/twilio/calls/{callId}/status/{leg.ToString().ToLowerInvariant()}");

    public string BaseUrl => options.Value.Twilio.PublicBaseUrl?.TrimEnd('/') ?? RequestBase();

    private string Url(string path) => BaseUrl + path;

    private string RequestBase()
    {
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("No request to take the base URL from");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
