using System.Globalization;
using System.Text.Json;
using System.Xml;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Routing;

namespace Switchboard.Bandwidth;

/// <summary>
/// The fields of Bandwidth's JSON webhooks (<c>initiate</c>, <c>answer</c>, <c>transferAnswer</c>, <c>gather</c>,
/// <c>transferComplete</c>, <c>transferDisconnect</c>, <c>recordComplete</c>, <c>recordingAvailable</c>,
/// <c>transcriptionAvailable</c>, <c>disconnect</c>) that Switchboard reads, in its own words. A field of another type than Bandwidth documents
/// reads as absent: a hostile body changes what is known, never whether the webhook is answered.
/// </summary>
public sealed record BandwidthEvent(
    string? EventType,
    string? CallId,
    string? From,
    string? To,
    string? Digits,
    CallStatus? Status,
    DateTime? AnswerTime,
    DateTime? EndTime,
    CallerCheck Verification,
    string? RecordingId = null,
    RecordingResult? Recording = null,
    int? RecordingSeconds = null,
    TranscriptionResult? Transcription = null)
{
    private static readonly object ItemKey = new();

    /// <summary>Seconds from the answer to the end of the leg, when both are known.</summary>
    public int? Seconds => AnswerTime is { } answered && EndTime is { } ended && ended >= answered
        ? (int)Math.Min(int.MaxValue, (ended - answered).TotalSeconds)
        : null;

    public static BandwidthEvent Read(JsonElement json) => new(
        Text(json, "eventType"),
        Text(json, "callId"),
        Text(json, "from"),
        Text(json, "to"),
        Text(json, "digits"),
        ParseCause(Text(json, "cause")),
        Time(json, "answerTime"),
        Time(json, "endTime"),
        ParseStirShaken(json.TryGetProperty("stirShaken", out var stir) ? stir : default),
        Text(json, "recordingId"),
        ParseRecordingStatus(Text(json, "status")),
        WholeSeconds(Text(json, "duration")),
        ParseTranscriptionStatus(
            json.TryGetProperty("transcription", out var transcription)
            && transcription.ValueKind == JsonValueKind.Object
                ? Text(transcription, "status")
                : null));

    /// <summary>
    /// A <c>transcriptionAvailable</c> event's <c>transcription.status</c>: <c>available</c> is a transcript to read;
    /// <c>error</c>, <c>timeout</c> and <c>file-size-too-big</c> mean there will be none.
    /// </summary>
    public static TranscriptionResult? ParseTranscriptionStatus(string? status) => status switch
    {
        "available" => TranscriptionResult.Completed,
        "error" or "timeout" or "file-size-too-big" => TranscriptionResult.Failed,
        _ => null,
    };

    /// <summary>
    /// A <c>recordingAvailable</c> event's <c>status</c>: <c>complete</c> (or <c>partial</c>, audio that could be
    /// kept) is a recording, <c>error</c> none; <c>processing</c> and <c>deleted</c> tell nothing of a new one.
    /// </summary>
    public static RecordingResult? ParseRecordingStatus(string? status) => status switch
    {
        "complete" or "partial" => RecordingResult.Completed,
        "error" => RecordingResult.Failed,
        _ => null,
    };

    /// <summary>The event of the webhook being answered, read by <see cref="BandwidthCallbackFilter"/>.</summary>
    public static BandwidthEvent Of(HttpContext http) =>
        http.Items[ItemKey] as BandwidthEvent
            ?? throw new InvalidOperationException($"No Bandwidth event on {http.Request.Path}");

    internal static void Keep(HttpContext http, BandwidthEvent read) => http.Items[ItemKey] = read;

    /// <summary>
    /// A leg's <c>cause</c> (transferComplete, transferDisconnect, disconnect) as the status it ended in: a normal
    /// end is completed, a callee who rejects is busy (as Twilio reports it), every documented error is failed. A
    /// cause Bandwidth does not document yet tells nothing.
    /// </summary>
    public static CallStatus? ParseCause(string? cause) => cause switch
    {
        "hangup" => CallStatus.Completed,
        "busy" or "rejected" => CallStatus.Busy,
        "timeout" => CallStatus.NoAnswer,
        "cancel" => CallStatus.Canceled,
        "callback-error" or "invalid-bxml" or "application-error" or "account-limit" or "node-capacity-exceeded"
            or "error" or "unknown" => CallStatus.Failed,
        _ => null,
    };

    /// <summary>
    /// The <c>initiate</c> event's <c>stirShaken</c> object (Bandwidth's STIR/SHAKEN verification of the caller's
    /// <c>Identity</c> header): its <c>verstat</c> is <c>TN-Validation-Passed</c> or <c>TN-Validation-Failed</c> (the
    /// only values its reference lists); <c>attestationIndicator</c> (A, B, C) is not a verdict, and is not read. An
    /// absent object, another value or another type tells nothing and is not stored.
    /// </summary>
    public static CallerCheck ParseStirShaken(JsonElement stirShaken) =>
        (stirShaken.ValueKind == JsonValueKind.Object ? Text(stirShaken, "verstat") : null) switch
        {
            "TN-Validation-Passed" => new(CallerVerification.Passed, "TN-Validation-Passed"),
            "TN-Validation-Failed" => new(CallerVerification.Failed, "TN-Validation-Failed"),
            _ => new(CallerVerification.None, null),
        };

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A recording's length, an ISO 8601 duration such as <c>PT13.67S</c>, in whole seconds.</summary>
    private static int? WholeSeconds(string? duration)
    {
        try
        {
            return duration is { Length: > 0 and <= 32 }
                ? (int)Math.Min(int.MaxValue, XmlConvert.ToTimeSpan(duration).TotalSeconds)
                : null;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static DateTime? Time(JsonElement json, string name) =>
        DateTimeOffset.TryParse(
            Text(json, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : null;
}
