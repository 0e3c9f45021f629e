using Switchboard.Authorization;
using Switchboard.Calls.Voicemail;

namespace Switchboard.Api;

/// <summary>
/// A voicemail's audio, streamed by Switchboard from the provider (whose URL and credentials never reach the browser),
/// with Range support: to an admin or the agent the call was offered to, and to anyone holding a signed link of an
/// event until it expires. Another agent, another organization, or a tampered, expired or other call's link: 404.
/// </summary>
public static class VoicemailApi
{
    public static void MapVoicemail(this RouteGroupBuilder organization) =>
        organization.MapGet("/calls/{callId:long}/voicemail", Get).Allow(CallerRole.Admin, CallerRole.Agent)
            .WithTags("Calls")
            .WithName("GetCallVoicemail")
            .WithSummary("Listen to a call's voicemail (audio, with Range support)");

    /// <summary>
    /// The signed link of <c>call.voicemail</c> events; it needs no key, so it is outside the organization's scope.
    /// </summary>
    public static void MapVoicemailLinks(this IEndpointRouteBuilder app) =>
        app.MapGet(VoicemailLinks.PathPrefix + "/{callId:long}/{expires:long}/{signature}", Linked)
            .AllowAnonymous()
            .ExcludeFromDescription();

    private static async Task<IResult> Get(
        long orgId,
        long callId,
        HttpContext http,
        Voicemails voicemails,
        CancellationToken ct) =>
        Answer(await voicemails.AudioAsync(orgId, callId, http.GetCaller(), ct), http);

    private static async Task<IResult> Linked(
        long callId,
        long expires,
        string signature,
        HttpContext http,
        VoicemailLinks links,
        Voicemails voicemails,
        CancellationToken ct) =>
        links.IsValid(callId, expires, signature)
            ? Answer(await voicemails.AudioAsync(callId, ct), http)
            : Problems.NotFound("voicemail");

    /// <summary>The audio with Range support (206 for a range), or a problem saying why not.</summary>
    public static IResult Answer(VoicemailAudio audio, HttpContext http)
    {
        switch (audio)
        {
            case VoicemailAudio.Found found:
                http.Response.Headers.CacheControl = "private, no-store";
                return TypedResults.File(found.Bytes, found.ContentType, enableRangeProcessing: true);
            case VoicemailAudio.Gone:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status410Gone,
                    title: "The voicemail's recording was deleted",
                    detail: "Recordings are kept for the organization's voicemailRetentionDays; " +
                        "the call keeps the message's length.");
            case VoicemailAudio.Unavailable unavailable:
                return TypedResults.Problem(
                    statusCode: unavailable.Status,
                    title: "The recording cannot be read from the provider now",
                    detail: "Try again in a moment.");
            default:
                return Problems.NotFound("voicemail");
        }
    }
}
