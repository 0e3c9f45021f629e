using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Providers;

namespace Switchboard.Bandwidth;

/// <summary>
/// Bandwidth's Voice API for what Switchboard reads and deletes there, with the API user's Basic auth of the account
/// that carried the call (<see cref="ProviderCredentials.BandwidthForCallSidAsync"/>): a recording's media
/// (<c>GET /api/v2/accounts/{accountId}/calls/{callId}/recordings/{recordingId}/media</c>), its deletion
/// (<c>DELETE …/recordings/{recordingId}</c>), and a call's state
/// (<c>GET /api/v2/accounts/{accountId}/calls/{callId}</c>: <c>state</c>, <c>disconnectCause</c>, <c>answerTime</c>,
/// <c>endTime</c>). The URLs are built from the ids, which
/// must look like Bandwidth's; the <c>mediaUrl</c> of a <c>recordingAvailable</c> event is never fetched.
/// </summary>
public sealed partial class BandwidthRest(
    IHttpClientFactory clients, ProviderCredentials credentials, ILogger<BandwidthRest> log)
{
    /// <summary>The global account's client: the operator's configured Voice API.</summary>
    public const string Client = "bandwidth-rest-read";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "bandwidth-rest-read-guarded";

    public static bool IsCallId(string? id) => id is not null && CallId().IsMatch(id);

    public static bool IsRecordingId(string? id) => id is not null && RecordingId().IsMatch(id);

    public async Task<RecordingAudio> FetchAsync(HeldRecording recording, CancellationToken ct)
    {
        var id = recording.RecordingSid;
        if (!IsRecordingId(id) || !IsCallId(recording.CallSid)
            || await credentials.BandwidthForCallSidAsync(recording.CallSid, ct) is not { } at)
        {
            return new RecordingAudio.Failed(503, "No provider account is configured, or the recording id is not one");
        }

        try
        {
            using var request = Request(
                at.Account, HttpMethod.Get, $"calls/{recording.CallSid}/recordings/{id}/media");
            using var response = await HttpFor(at.Guarded)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return await ProviderReads.AudioAsync(response, id, ct);
        }
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning("Recording {RecordingId} could not be fetched: {Error}", id, e.GetType().Name);
            return new RecordingAudio.Failed(502, $"The provider could not be reached for recording {id}");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning("Recording {RecordingId} could not be fetched: {Error}", id, e.GetType().Name);
            return new RecordingAudio.Failed(504, $"No answer from the provider for recording {id}");
        }
    }

    public async Task<RecordingDeletion> DeleteAsync(HeldRecording recording, CancellationToken ct)
    {
        var id = recording.RecordingSid;
        if (!IsRecordingId(id) || !IsCallId(recording.CallSid)
            || await credentials.BandwidthForCallSidAsync(recording.CallSid, ct) is not { } at)
        {
            return RecordingDeletion.Failed;
        }

        try
        {
            using var request = Request(at.Account, HttpMethod.Delete, $"calls/{recording.CallSid}/recordings/{id}");
            using var response = await HttpFor(at.Guarded).SendAsync(request, ct);
            var deletion = ProviderReads.Deletion(response.StatusCode);
            if (deletion == RecordingDeletion.Failed)
            {
                log.LogWarning(
                    "Recording {RecordingId} could not be deleted at the provider (HTTP {Status}); trying again later",
                    id,
                    (int)response.StatusCode);
            }

            return deletion;
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning(
                "Recording {RecordingId} could not be deleted at the provider ({Error}); trying again later",
                id,
                e.GetType().Name);
            return RecordingDeletion.Failed;
        }
    }

    /// <summary>
    /// A recording's transcript (<c>GET …/calls/{callId}/recordings/{recordingId}/transcription</c>:
    /// <c>{"transcripts": [{"text", "confidence"}]}</c>), its parts joined; null when it cannot be read now.
    /// </summary>
    public async Task<string?> TranscriptAsync(string callId, string recordingId, CancellationToken ct)
    {
        if (!IsRecordingId(recordingId) || !IsCallId(callId)
            || await credentials.BandwidthForCallSidAsync(callId, ct) is not { } at)
        {
            return null;
        }

        try
        {
            using var request = Request(
                at.Account, HttpMethod.Get, $"calls/{callId}/recordings/{recordingId}/transcription");
            using var response = await HttpFor(at.Guarded).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning(
                    "The transcript of recording {RecordingId} could not be read (HTTP {Status})",
                    recordingId,
                    (int)response.StatusCode);
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("transcripts", out var transcripts)
                || transcripts.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var parts = transcripts.EnumerateArray()
                .Select(part => ProviderReads.Text(part, "text"))
                .Where(text => !string.IsNullOrWhiteSpace(text));
            return string.Join(" ", parts);
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct) || e is JsonException)
        {
            log.LogWarning(
                "The transcript of recording {RecordingId} could not be read ({Error})", recordingId, e.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// The call's state: until <c>disconnected</c> it is not over (the reconciler waits); then its
    /// <c>disconnectCause</c> is its status (<see cref="BandwidthEvent.ParseCause"/>), and its length runs from
    /// <c>answerTime</c> to <c>endTime</c>.
    /// </summary>
    public async Task<CallLookup> LookupAsync(string callId, CancellationToken ct)
    {
        if (!IsCallId(callId) || await credentials.BandwidthForCallSidAsync(callId, ct) is not { } at)
        {
            return new CallLookup.Unknown();
        }

        try
        {
            using var request = Request(at.Account, HttpMethod.Get, $"calls/{callId}");
            using var response = await HttpFor(at.Guarded).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new CallLookup.Unknown();
            }

            if (!response.IsSuccessStatusCode)
            {
                return new CallLookup.Failed($"HTTP {(int)response.StatusCode}");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var state = BandwidthEvent.Read(json.RootElement);
            var root = json.RootElement;
            if (ProviderReads.Text(root, "state") != "disconnected")
            {
                return new CallLookup.Found(CallStatus.InProgress, null, null);
            }

            return BandwidthEvent.ParseCause(ProviderReads.Text(root, "disconnectCause")) is { } status
                ? new CallLookup.Found(status, state.Seconds, state.EndTime)
                : new CallLookup.Failed("a disconnected call without a known cause");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct) || e is JsonException)
        {
            return new CallLookup.Failed(e.GetType().Name);
        }
    }

    private HttpClient HttpFor(bool guarded) => clients.CreateClient(guarded ? GuardedClient : Client);

    private static HttpRequestMessage Request(BandwidthOptions bandwidth, HttpMethod method, string resource)
    {
        var account = Uri.EscapeDataString(bandwidth.AccountId!);
        var request = new HttpRequestMessage(
            method, $"{bandwidth.ApiBaseUrl.TrimEnd('/')}/api/v2/accounts/{account}/{resource}");
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{bandwidth.Username}:{bandwidth.Password}")));
        return request;
    }

    [GeneratedRegex("^c-[0-9A-Za-z-]{8,100}$")]
    private static partial Regex CallId();

    [GeneratedRegex("^r-[0-9A-Za-z-]{8,100}$")]
    private static partial Regex RecordingId();
}
