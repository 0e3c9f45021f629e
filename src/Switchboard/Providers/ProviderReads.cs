using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Switchboard.Calls.Voicemail;

namespace Switchboard.Providers;

/// <summary>
/// What every provider's REST reads share (a recording's media, its deletion, a call's look-up): the answer read as
/// audio under one size limit, a deletion's status, which failures are worth another try, and the retries. The
/// provider folders keep only their URLs, their credentials and the shape of their answers.
/// </summary>
public static partial class ProviderReads
{
    /// <summary>
    /// A recording's audio is read whole (to answer Range requests); a 10-minute message is a few MB.
    /// </summary>
    public const int MaxAudioBytes = 32 * 1024 * 1024;

    /// <summary>The media in a provider's answer: found, gone (404, 410), or failed.</summary>
    public static async Task<RecordingAudio> AudioAsync(
        HttpResponseMessage response, string recordingId, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return new RecordingAudio.Gone();
        }

        if (!response.IsSuccessStatusCode)
        {
            return new RecordingAudio.Failed(
                502, $"The provider answered HTTP {(int)response.StatusCode} for recording {recordingId}");
        }

        if (response.Content.Headers.ContentLength > MaxAudioBytes)
        {
            return new RecordingAudio.Failed(502, $"Recording {recordingId} is larger than {MaxAudioBytes} bytes");
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (bytes.Length > MaxAudioBytes)
        {
            return new RecordingAudio.Failed(502, $"Recording {recordingId} is larger than {MaxAudioBytes} bytes");
        }

        var type = response.Content.Headers.ContentType?.MediaType is { } media
            && media.StartsWith("audio/", StringComparison.Ordinal)
            ? media
            : "audio/mpeg";
        return new RecordingAudio.Found(bytes, type);
    }

    /// <summary>What the provider's answer to a deletion means; a failure is tried again on the next pass.</summary>
    public static RecordingDeletion Deletion(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Accepted => RecordingDeletion.Deleted,
        HttpStatusCode.NotFound or HttpStatusCode.Gone => RecordingDeletion.AlreadyGone,
        _ => RecordingDeletion.Failed,
    };

    /// <summary>
    /// Reads and deletions are idempotent, so unlike creating a call they may be sent again: a timeout per attempt and
    /// in all, and retries of failures and 5xx answers. Pauses are wall-clock time, whatever clock the records keep.
    /// </summary>
    public static void Resilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TwilioOptions twilio)
    {
        pipeline.TimeProvider = TimeProvider.System;
        pipeline
            .AddTimeout(twilio.ApiAttemptTimeout * 3)
            .AddRetry(
                new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = twilio.ApiRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
            .AddTimeout(twilio.ApiAttemptTimeout);
    }

    /// <summary>A string (or number, as written) member of a JSON object; null for anything else.</summary>
    public static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>SignalWire's and Telnyx's recording ids, and SignalWire's call ids.</summary>
    public static bool IsUuid(string? id) => id is not null && Uuid().IsMatch(id);

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();
}
