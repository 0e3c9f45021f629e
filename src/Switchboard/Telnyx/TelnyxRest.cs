using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Calls;
using Switchboard.Calls.Voicemail;
using Switchboard.Providers;

namespace Switchboard.Telnyx;

/// <summary>
/// Telnyx's REST API for what Switchboard reads and deletes there, with the API key (Bearer) of the account that
/// carried the call (<see cref="ProviderCredentials.TelnyxForCallSidAsync"/>): a recording ("Retrieve a call
/// recording", <c>GET /v2/recordings/{id}</c>, whose <c>download_urls.mp3</c> is then read without the key), its
/// deletion (<c>DELETE /v2/recordings/{id}</c>), and a call's status ("Retrieve a call status",
/// <c>GET /v2/calls/{call_control_id}</c>: <c>is_alive</c>, <c>call_duration</c>, <c>end_time</c>; kept 10 minutes
/// after the call ends). TeXML's <c>RecordingSid</c> and <c>CallSid</c> are those ids. The URLs are built from the
/// ids, never taken from a webhook; the media link Telnyx's own answer gives is followed only to Telnyx's storage
/// hosts or the API's own host, and never with the key.
/// </summary>
public sealed partial class TelnyxRest(
    IHttpClientFactory clients, ProviderCredentials credentials, ILogger<TelnyxRest> log)
{
    /// <summary>The global account's client: the operator's configured Telnyx API.</summary>
    public const string Client = "telnyx-rest-read";

    /// <summary>Organizations' own accounts' client, behind the network guard.</summary>
    public const string GuardedClient = "telnyx-rest-read-guarded";

    public static bool IsCallControlId(string? id) => id is not null && CallControlId().IsMatch(id);

    public async Task<RecordingAudio> FetchAsync(HeldRecording recording, CancellationToken ct)
    {
        var id = recording.RecordingSid;
        if (!ProviderReads.IsUuid(id) || await credentials.TelnyxForCallSidAsync(recording.CallSid, ct) is not { } at)
        {
            return new RecordingAudio.Failed(503, "No provider account is configured, or the recording id is not one");
        }

        try
        {
            var http = clients.CreateClient(at.Guarded ? GuardedClient : Client);
            string? media;
            using (var request = Request(at.Account, HttpMethod.Get, $"v2/recordings/{id}"))
            using (var response = await http.SendAsync(request, ct))
            {
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    return new RecordingAudio.Gone();
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new RecordingAudio.Failed(
                        502, $"The provider answered HTTP {(int)response.StatusCode} for recording {id}");
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                media = json.RootElement.TryGetProperty("data", out var data)
                    && data.ValueKind == JsonValueKind.Object
                    && data.TryGetProperty("download_urls", out var urls)
                        ? ProviderReads.Text(urls, "mp3") ?? ProviderReads.Text(urls, "wav")
                        : null;
            }

            if (!IsTelnyxMedia(media, at.Account.ApiBaseUrl, out var mediaUri))
            {
                log.LogWarning("Recording {RecordingId}: Telnyx named no media link on its own hosts", id);
                return new RecordingAudio.Failed(502, $"The provider gave no usable media link for recording {id}");
            }

            using var download = await http.GetAsync(mediaUri, HttpCompletionOption.ResponseHeadersRead, ct);
            return await ProviderReads.AudioAsync(download, id, ct);
        }
        catch (Exception e) when (ProviderHttp.NeverSent(e))
        {
            log.LogWarning("Recording {RecordingId} could not be fetched: {Error}", id, e.GetType().Name);
            return new RecordingAudio.Failed(502, $"The provider could not be reached for recording {id}");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct) || e is JsonException)
        {
            log.LogWarning("Recording {RecordingId} could not be fetched: {Error}", id, e.GetType().Name);
            return new RecordingAudio.Failed(504, $"No answer from the provider for recording {id}");
        }
    }

    public async Task<RecordingDeletion> DeleteAsync(HeldRecording recording, CancellationToken ct)
    {
        var id = recording.RecordingSid;
        if (!ProviderReads.IsUuid(id) || await credentials.TelnyxForCallSidAsync(recording.CallSid, ct) is not { } at)
        {
            return RecordingDeletion.Failed;
        }

        try
        {
            using var request = Request(at.Account, HttpMethod.Delete, $"v2/recordings/{id}");
            using var response = await clients.CreateClient(at.Guarded ? GuardedClient : Client)
                .SendAsync(request, ct);
            return Logged(id, ProviderReads.Deletion(response.StatusCode), $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct))
        {
            return Logged(id, RecordingDeletion.Failed, e.GetType().Name);
        }
    }

    /// <summary>
    /// The call's status: alive is in progress (not ended, so the reconciler waits), otherwise completed with its
    /// duration and end. Telnyx forgets a call 10 minutes after it ended, so an unknown call is unknown (404, 422).
    /// </summary>
    public async Task<CallLookup> LookupAsync(string callSid, CancellationToken ct)
    {
        if (!IsCallControlId(callSid) || await credentials.TelnyxForCallSidAsync(callSid, ct) is not { } at)
        {
            return new CallLookup.Unknown();
        }

        try
        {
            using var request = Request(at.Account, HttpMethod.Get, $"v2/calls/{Uri.EscapeDataString(callSid)}");
            using var response = await clients.CreateClient(at.Guarded ? GuardedClient : Client)
                .SendAsync(request, ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
            {
                return new CallLookup.Unknown();
            }

            if (!response.IsSuccessStatusCode)
            {
                return new CallLookup.Failed($"HTTP {(int)response.StatusCode}");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (!json.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("is_alive", out var alive)
                || alive.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return new CallLookup.Failed("an answer without is_alive");
            }

            if (alive.GetBoolean())
            {
                return new CallLookup.Found(CallStatus.InProgress, null, null);
            }

            int? duration = int.TryParse(
                ProviderReads.Text(data, "call_duration"), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                ? d
                : null;
            DateTime? endedAt = DateTimeOffset.TryParse(
                ProviderReads.Text(data, "end_time"),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var end)
                ? end.UtcDateTime
                : null;
            return new CallLookup.Found(CallStatus.Completed, duration, endedAt);
        }
        catch (Exception e) when (ProviderHttp.Unanswered(e, ct) || e is JsonException)
        {
            return new CallLookup.Failed(e.GetType().Name);
        }
    }

    /// <summary>
    /// Telnyx's media links point at its storage (<c>*.telnyx.com</c>, or its S3 buckets <c>*.amazonaws.com</c>)
    /// over HTTPS, or at the API's own host (a regional API, and the tests' fake).
    /// </summary>
    public static bool IsTelnyxMedia(string? link, string apiBaseUrl, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(link, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            return false;
        }

        var api = new Uri(apiBaseUrl);
        var ok = (parsed.Scheme == api.Scheme && parsed.Authority == api.Authority)
            || (parsed.Scheme == Uri.UriSchemeHttps
                && (parsed.Host.EndsWith(".telnyx.com", StringComparison.OrdinalIgnoreCase)
                    || parsed.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase)));
        uri = parsed;
        return ok;
    }

    private static HttpRequestMessage Request(TelnyxOptions telnyx, HttpMethod method, string resource)
    {
        var request = new HttpRequestMessage(method, $"{telnyx.ApiBaseUrl.TrimEnd('/')}/{resource}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", telnyx.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private RecordingDeletion Logged(string id, RecordingDeletion deletion, string why)
    {
        if (deletion == RecordingDeletion.Failed)
        {
            log.LogWarning(
                "Recording {RecordingId} could not be deleted at the provider ({Why}); trying again later", id, why);
        }

        return deletion;
    }

    [GeneratedRegex("^v[23]:[A-Za-z0-9_-]{8,200}$")]
    private static partial Regex CallControlId();
}
