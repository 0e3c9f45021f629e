using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Switchboard.Accounts;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;

using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// Twilio's REST API for what Switchboard reads and deletes there: a recording's media
/// (<c>GET …/Recordings/{Sid}.mp3</c>), its deletion (<c>DELETE …/Recordings/{Sid}.json</c>) and a call's status
/// (<c>GET …/Calls/{Sid}.json</c>), with the account of the organization the recording or call is of (its own, or
/// the global one: <see cref="ProviderCredentials"/>), under that account's API base URL with Basic auth. The URL is
/// built from the sid alone, which must look like one: a URL named in a webhook is never fetched, so a forged form
/// cannot make Switchboard send its credentials elsewhere. An organization's own account's API is reached through
/// the network guard (<see cref="CompatibleAccount.Guarded"/>), the global one's is not.
/// </summary>
public sealed partial class TwilioRest(
    IHttpClientFactory clients, ProviderCredentials credentials, ILogger<TwilioRest> log) : IRecordings, ICallLookup
{
    /// <summary>The global accounts' client: the operator's configured Twilio API.</summary>
    public const string Client = "twilio-rest-read";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "twilio-rest-read-guarded";

    /// <summary>
    /// A recording's audio is read whole (to answer Range requests); a 10-minute message is a few MB.
    /// </summary>
    public const int MaxAudioBytes = 32 * 1024 * 1024;

    public bool Configured => credentials.TwilioAccount() is not null || credentials.AnyOrganizationAccount;

    public static bool IsRecordingSid(string? sid) => sid is not null && RecordingSid().IsMatch(sid);

    public static bool IsCallSid(string? sid) => sid is not null && CallSid().IsMatch(sid);

    public async Task<RecordingAudio> FetchAsync(string recordingSid, CancellationToken ct)
    {
        if (!IsRecordingSid(recordingSid) || await credentials.ForRecordingAsync(recordingSid, ct) is not { } account)
        {
            return new RecordingAudio.Failed(503, "No provider account is configured, or the recording sid is not one");
        }

        try
        {
            using var request = Request(account, HttpMethod.Get, $"Recordings/{recordingSid}.mp3");
            using var response = await Http(account).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return new RecordingAudio.Gone();
            }

            if (!response.IsSuccessStatusCode)
            {
                return new RecordingAudio.Failed(
                    502,
                    $"The provider answered HTTP {(int)response.StatusCode} for recording {recordingSid}");
            }

            if (response.Content.Headers.ContentLength > MaxAudioBytes)
            {
                return new RecordingAudio.Failed(502, $"Recording {recordingSid} is larger than {MaxAudioBytes} bytes");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            var type = response.Content.Headers.ContentType?.MediaType is { } media
                && media.StartsWith("audio/", StringComparison.Ordinal)
                ? media
                : "audio/mpeg";
            return new RecordingAudio.Found(bytes, type);
        }
        // No connection was made (refused, no such host, or an address the network guard does not allow): the
        // provider was not reached, rather than slow to answer.
        catch (Exception e) when (TwilioCallPlacer.NeverSent(e))
        {
            log.LogWarning("Recording {RecordingSid} could not be fetched: {Error}", recordingSid, e.GetType().Name);
            return new RecordingAudio.Failed(502, $"The provider could not be reached for recording {recordingSid}");
        }
        catch (Exception e) when (Unanswered(e, ct))
        {
            log.LogWarning("Recording {RecordingSid} could not be fetched: {Error}", recordingSid, e.GetType().Name);
            return new RecordingAudio.Failed(504, $"No answer from the provider for recording {recordingSid}");
        }
    }

    public async Task<RecordingDeletion> DeleteAsync(string recordingSid, CancellationToken ct)
    {
        if (!IsRecordingSid(recordingSid) || await credentials.ForRecordingAsync(recordingSid, ct) is not { } account)
        {
            return RecordingDeletion.Failed;
        }

        try
        {
            using var request = Request(account, HttpMethod.Delete, $"Recordings/{recordingSid}.json");
            using var response = await Http(account).SendAsync(request, ct);
            return response.StatusCode switch
            {
                HttpStatusCode.NoContent or HttpStatusCode.OK => RecordingDeletion.Deleted,
                HttpStatusCode.NotFound or HttpStatusCode.Gone => RecordingDeletion.AlreadyGone,
                _ => Failed(recordingSid, $"HTTP {(int)response.StatusCode}"),
            };
        }
        catch (Exception e) when (Unanswered(e, ct))
        {
            return Failed(recordingSid, e.GetType().Name);
        }
    }

    public async Task<CallLookup> LookupAsync(string callSid, CancellationToken ct)
    {
        if (!IsCallSid(callSid) || await credentials.ForCallSidAsync(callSid, ct) is not { } account)
        {
            return new CallLookup.Unknown();
        }

        try
        {
            using var request = Request(account, HttpMethod.Get, $"Calls/{callSid}.json");
            using var response = await Http(account).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new CallLookup.Unknown();
            }

            if (!response.IsSuccessStatusCode)
            {
                return new CallLookup.Failed($"HTTP {(int)response.StatusCode}");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            if (TwilioStatuses.Parse(Text(root, "status")) is not { } status)
            {
                return new CallLookup.Failed("an answer without a known status");
            }

            int? duration = int.TryParse(
                Text(root, "duration"),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out var d)
                ? d
                : null;
            // Twilio writes times as RFC 2822 ("Tue, 01 Dec 2026 00:10:00 +0000").
            DateTime? endedAt = DateTimeOffset.TryParse(
                Text(root, "end_time"),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var end)
                ? end.UtcDateTime
                : null;
            return new CallLookup.Found(status, duration, endedAt);
        }
        catch (Exception e) when (Unanswered(e, ct) || e is JsonException)
        {
            return new CallLookup.Failed(e.GetType().Name);
        }
    }

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

    private HttpClient Http(CompatibleAccount account) =>
        clients.CreateClient(account.Guarded ? GuardedClient : Client);

    private static HttpRequestMessage Request(CompatibleAccount account, HttpMethod method, string resource)
    {
        var request = new HttpRequestMessage(method, account.ResourceUrl(resource));
        request.Headers.Authorization = account.Authorization();
        return request;
    }

    private RecordingDeletion Failed(string recordingSid, string why)
    {
        log.LogWarning(
            "Recording {RecordingSid} could not be deleted at the provider ({Why}); trying again later",
            recordingSid,
            why);
        return RecordingDeletion.Failed;
    }

    private static bool Unanswered(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested
            && e is HttpRequestException or TimeoutException or OperationCanceledException
                or Polly.Timeout.TimeoutRejectedException;

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ =>
                null }
            : null;

    [GeneratedRegex("^RE[0-9a-fA-F]{32}$")]
    private static partial Regex RecordingSid();

    [GeneratedRegex("^CA[0-9A-Za-z]{32,40}$")]
    private static partial Regex CallSid();
}
