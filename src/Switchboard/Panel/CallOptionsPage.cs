using Microsoft.AspNetCore.Mvc;
using Switchboard.Admin;
using Switchboard.Kernel;
using Switchboard.Phones;

namespace Switchboard.Panel;

/// <summary>Which call options a page offers: the organization's, a group's or an inbox's.</summary>
public enum CallOptionsOwner { Organization, Group, Inbox }

/// <summary>
/// A page with call options (docs/routing.md, options B1–B4): the fallback, the unavailable message, rejecting with
/// it, and the organization's prompt and last-text options. The fields are posted flat and sent to
/// <see cref="CallOptionSettings"/> as the API's bodies, so the panel refuses exactly what the API refuses.
/// </summary>
public abstract class CallOptionsPage : PanelPage
{
    [BindProperty]
    public string? FallbackMode { get; set; }

    [BindProperty]
    public string? FallbackForwardTo { get; set; }

    /// <summary>"default" (the organization's, or the stock one), "say" or "play".</summary>
    [BindProperty]
    public string? MessageKind { get; set; }

    [BindProperty]
    public string? MessageSay { get; set; }

    [BindProperty]
    public string? MessageVoice { get; set; }

    [BindProperty]
    public string? MessageLanguage { get; set; }

    [BindProperty]
    public string? MessagePlay { get; set; }

    [BindProperty]
    public bool RejectWithMessage { get; set; }

    [BindProperty]
    public bool MembersOnly { get; set; }

    [BindProperty]
    public bool SayContactName { get; set; }

    [BindProperty]
    public string? LastTextMaxAgeDays { get; set; }

    /// <summary>"en-US" or "es-US"; for a group, empty follows the organization.</summary>
    [BindProperty]
    public string? Language { get; set; }

    [BindProperty]
    public bool RejectFailedVerification { get; set; }

    [BindProperty]
    public string? RingTeamMode { get; set; }

    [BindProperty]
    public int? RingTeamSeconds { get; set; }

    [BindProperty]
    public int? RingTeamMaxAgents { get; set; }

    /// <summary>"on", "off", or (a group's, an inbox's) "follow" the organization's.</summary>
    [BindProperty]
    public string? VoicemailMode { get; set; }

    [BindProperty]
    public string? VoicemailMaxSeconds { get; set; }

    [BindProperty]
    public bool VoicemailTranscribe { get; set; }

    [BindProperty]
    public string? VoicemailRetentionDays { get; set; }

    /// <summary>What a group's or inbox's "follow" means now, in words.</summary>
    public string? OrganizationVoicemail { get; protected set; }

    public abstract CallOptionsOwner Owner { get; }

    protected string? ChosenLanguage => string.IsNullOrWhiteSpace(Language) ? null : Language;

    protected RingTeamBody RingTeam => new(RingTeamMode, RingTeamSeconds, RingTeamMaxAgents);

    protected void ShowRingTeam(RingTeamBody ringTeam)
    {
        RingTeamMode = ringTeam.Mode;
        RingTeamSeconds = ringTeam.RingSeconds;
        RingTeamMaxAgents = ringTeam.MaxAgents;
    }

    /// <summary>What the group's or inbox's "default" message and fallback are now, in words.</summary>
    public string? OrganizationMessage { get; protected set; }

    public string? OrganizationFallback { get; protected set; }

    protected FallbackBody Fallback => new(FallbackMode, FallbackForwardTo);

    protected CallerMessageBody? Message => MessageKind switch
    {
        "say" => new CallerMessageBody(MessageSay, MessageVoice, MessageLanguage, null),
        "play" => new CallerMessageBody(null, null, null, MessagePlay),
        _ => null,
    };

    /// <summary>The voicemail as the API takes it; a length that is not a number is refused naming its field.</summary>
    protected Answer<VoicemailBody?> Voicemail()
    {
        if (VoicemailMode is not ("on" or "off"))
        {
            return (VoicemailBody?)null;
        }

        int? maxSeconds = null;
        if (!string.IsNullOrWhiteSpace(VoicemailMaxSeconds))
        {
            if (!int.TryParse(
                VoicemailMaxSeconds,
                System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture,
                out var seconds))
            {
                return Refusal.OnField(
                    "voicemail.maxSeconds",
                    $"must be a whole number of seconds between {CallOptionSettings.VoicemailMinSeconds} " +
                    $"and {CallOptionSettings.VoicemailMaxSeconds}");
            }

            maxSeconds = seconds;
        }

        return new VoicemailBody(VoicemailMode == "on", maxSeconds, VoicemailTranscribe);
    }

    protected void ShowVoicemail(VoicemailBody? voicemail, bool follows)
    {
        VoicemailMode = follows && voicemail is null ? "follow" : voicemail?.Enabled == true ? "on" : "off";
        VoicemailMaxSeconds = (voicemail?.MaxSeconds ?? Storage.VoicemailDefaults.MaxSeconds).ToString(
            System.Globalization.CultureInfo.InvariantCulture);
        VoicemailTranscribe = voicemail?.Transcribe ?? false;
    }

    public static string Describe(VoicemailBody? voicemail) => voicemail is { Enabled: true }
        ? $"on, messages up to {voicemail.MaxSeconds} seconds{(voicemail.Transcribe == true ? ", transcribed" : "")}"
        : "off";

    protected void ShowFallback(FallbackBody fallback)
    {
        FallbackMode = fallback.Mode;
        FallbackForwardTo = fallback.ForwardTo;
    }

    protected void ShowMessage(CallerMessageBody? message)
    {
        MessageKind = message is null ? "default" : message.Play is null ? "say" : "play";
        MessageSay = message?.Say;
        MessageVoice = message?.Voice;
        MessageLanguage = message?.Language;
        MessagePlay = message?.Play;
    }

    /// <summary>A message in words, for the hints that say what "default" means now.</summary>
    public static string Describe(CallerMessageBody? message) => message switch
    {
        null => "the stock message (\"Sorry, nobody is available to take your call right now…\")",
        { Play: { } url } => $"the recording at {url}",
        _ => $"“{message.Say}”",
    };

    public static string Describe(FallbackBody? fallback, PhoneDisplay phones) =>
        fallback is { Mode: "forward", ForwardTo: { } to }
            ? $"forward the call to {phones.Show(to)}"
            : "the caller hears the unavailable message";

    protected IActionResult Saved<T>(Answer<T> answer) =>
        answer.Done ? Done("Saved. The next call follows the new options.") : Refused(answer.Refusal);
}
