using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Events;

/// <summary>The events a call ends with, and what each tells the texting platform.</summary>
public static class CallEvents
{
    public const string Completed = "call.completed";
    public const string Missed = "call.missed";
    public const string Rejected = "call.rejected";
    public const string OutboundCompleted = "call.outbound.completed";
    public const string Voicemail = "call.voicemail";

    /// <summary>Where a <c>call.voicemail</c> event keeps the message, beside the call rather than in it.</summary>
    internal const string VoicemailField = "voicemail";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The body a receiver gets: the event's id and type, and the call with its id (and a voicemail beside it).
    /// </summary>
    public static string Body(CallEvent callEvent)
    {
        var call = new JsonObject { ["id"] = callEvent.CallId };
        JsonNode? voicemail = null;
        foreach (var (name, value) in JsonNode.Parse(callEvent.Data)!.AsObject())
        {
            if (name == VoicemailField)
            {
                voicemail = value?.DeepClone();
                continue;
            }

            call[name] = value?.DeepClone();
        }

        var body = new JsonObject
        {
            ["id"] = callEvent.EventId.ToString(),
            ["type"] = callEvent.Type,
            ["createdAt"] = callEvent.CreatedAt,
            ["organizationId"] = callEvent.OrganizationId,
            ["call"] = call,
        };
        if (voicemail is not null)
        {
            body[VoicemailField] = voicemail;
        }

        return body.ToJsonString(Json);
    }
}
