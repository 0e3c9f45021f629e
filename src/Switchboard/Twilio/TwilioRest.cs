using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// A Twilio-compatible REST API (Twilio's, or SignalWire's compatibility API of its space) for what Switchboard reads
/// and deletes there: a recording's media (<c>GET …/Recordings/{Sid}.mp3</c>), its deletion
/// (<c>DELETE …/Recordings/{Sid}.json</c>) and a call's status (<c>GET …/Calls/{Sid}.json</c>), with the account
/// that carried the call (the organization's own, or the provider's global one: <see cref="ProviderCredentials"/>),
/// under that account's API base URL with Basic auth. The URL is built from the sid alone, which must look like one
/// of the provider's: a URL named in a webhook (its <c>RecordingUrl</c>) is never fetched, so a forged form cannot
/// make Switchboard send its credentials elsewhere. An organization's own account's API is reached through the
/// network guard (<see cref="CompatibleAccount.Guarded"/>), the global one's is not.
/// </summary>
public sealed partial class TwilioRest(
    IHttpClientFactory clients, ProviderCredentials credentials, ILogger<TwilioRest> log)
{
    /// <summary>The global accounts' client: the operator's configured Twilio or SignalWire API.</summary>
    public const string Client = "twilio-rest-read";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "twilio-rest-read-guarded";

    /// <summary>Twilio's recording sids (<c>RE…</c>); SignalWire's are UUIDs.</summary>
    public static bool IsRecordingSid(string? sid) => sid is not null && RecordingSid().IsMatch(sid);

    public static bool IsCallSid(string? sid) => sid is not null && CallSid().IsMatch(sid);

    /// <summary>A recording id of <paramref name="provider"/> (Twilio or SignalWire).</summary>
    public static bool IsRecordingId(Provider provider, string? sid) =>
        provider == Provider.SignalWire ? ProviderReads.IsUuid(sid) : IsRecordingSid(sid);

    public async Task<RecordingAudio> FetchAsync(Provider provider, HeldRecording recording, CancellationToken ct)
    {
        var sid = recording.RecordingSid;
        if (!IsRecordingId(provider, sid)
            || await credentials.CompatibleForCallSidAsync(recording.CallSid, provider, ct) is not { } account)
        {
            return new RecordingAudio.Failed(503, "No provider account is configured, or the recording sid is not one");
        }

        try
        {
            using var request = Request(account, HttpMethod.Get, $"Recordings/{sid}.mp3");
            using var response = await Http(account).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return await ProviderReads.AudioAsync(response, sid, ct);
        }
        // No connection was made (refused, no such host, or an address the network guard does not allow): the
        // provider was not reached, rather than slow to answer.
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning("Recording {RecordingSid} could not be fetched: {Error}", sid, e.GetType().Name);
            return new RecordingAudio.Failed(502, $"The provider could not be reached for recording {sid}");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            log.LogWarning("Recording {RecordingSid} could not be fetched: {Error}", sid, e.GetType().Name);
            return new RecordingAudio.Failed(504, $"No answer from the provider for recording {sid}");
        }
    }

    public async Task<RecordingDeletion> DeleteAsync(Provider provider, HeldRecording recording, CancellationToken ct)
    {
        var sid = recording.RecordingSid;
        if (!IsRecordingId(provider, sid)
            || await credentials.CompatibleForCallSidAsync(recording.CallSid, provider, ct) is not { } account)
        {
            return RecordingDeletion.Failed;
        }

        try
        {
            using var request = Request(account, HttpMethod.Delete, $"Recordings/{sid}.json");
            using var response = await Http(account).SendAsync(request, ct);
            return Logged(sid, ProviderReads.Deletion(response.StatusCode), $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            return Logged(sid, RecordingDeletion.Failed, e.GetType().Name);
        }
    }

    /// <summary>The call resource: its <c>status</c> in Twilio's words, <c>duration</c>, <c>end_time</c>.</summary>
    public async Task<CallLookup> LookupAsync(Provider provider, string callSid, CancellationToken ct)
    {
        if (!(provider == Provider.SignalWire ? ProviderReads.IsUuid(callSid) : IsCallSid(callSid))
            || await credentials.CompatibleForCallSidAsync(callSid, provider, ct) is not { } account)
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
            if (TwilioStatuses.Parse(ProviderReads.Text(root, "status")) is not { } status)
            {
                return new CallLookup.Failed("an answer without a known status");
            }

            int? duration = int.TryParse(
                ProviderReads.Text(root, "duration"),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out var d)
                ? d
                : null;
            // Twilio writes times as RFC 2822 ("Tue, 01 Dec 2026 00:10:00 +0000").
            DateTime? endedAt = DateTimeOffset.TryParse(
                ProviderReads.Text(root, "end_time"),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var end)
                ? end.UtcDateTime
                : null;
            return new CallLookup.Found(status, duration, endedAt);
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct) || e is JsonException)
        {
            return new CallLookup.Failed(e.GetType().Name);
        }
    }

    private HttpClient Http(CompatibleAccount account) =>
        clients.CreateClient(account.Guarded ? GuardedClient : Client);

    private static HttpRequestMessage Request(CompatibleAccount account, HttpMethod method, string resource)
    {
        var request = new HttpRequestMessage(method, account.ResourceUrl(resource));
        request.Headers.Authorization = account.Authorization();
        return request;
    }

    private RecordingDeletion Logged(string recordingSid, RecordingDeletion deletion, string why)
    {
        if (deletion == RecordingDeletion.Failed)
        {
            log.LogWarning(
                "Recording {RecordingSid} could not be deleted at the provider ({Why}); trying again later",
                recordingSid,
                why);
        }

        return deletion;
    }

    [GeneratedRegex("^RE[0-9a-fA-F]{32}$")]
    private static partial Regex RecordingSid();

    [GeneratedRegex("^CA[0-9A-Za-z]{32,40}$")]
    private static partial Regex CallSid();
}
