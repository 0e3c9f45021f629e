using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Switchboard.Kernel;
using Switchboard.Phones;
using Switchboard.Routing;
using Switchboard.Storage;
using Group = Switchboard.Storage.Group;

namespace Switchboard.Admin;

/// <summary>
/// What the caller hears instead of the stock message: <c>{say, voice?, language?}</c> or <c>{play}</c>.
/// </summary>
public sealed record CallerMessageBody(string? Say, string? Voice, string? Language, string? Play);

public sealed record FallbackBody(string? Mode, string? ForwardTo);

/// <summary>
/// A caller who would hear the unavailable message may leave a voicemail of at most <c>maxSeconds</c>
/// (docs/voicemail.md).
/// </summary>
public sealed record VoicemailBody(bool? Enabled, int? MaxSeconds, bool? Transcribe);

public sealed record OrganizationCallOptions(
    FallbackBody? Fallback, CallerMessageBody? UnavailableMessage, bool? SayContactName, int? LastTextMaxAgeDays,
    VoicemailBody? Voicemail = null, int? VoicemailRetentionDays = null, bool? RejectFailedVerification = null,
    string? Language = null);

/// <summary>
/// Ring the team: <c>{mode: "off" | "together" | "inTurn", ringSeconds (10–60), maxAgents (1–10)}</c>.
/// </summary>
public sealed record RingTeamBody(string? Mode, int? RingSeconds, int? MaxAgents);

/// <summary>A null <c>voicemail</c> follows the organization's.</summary>
public sealed record GroupCallOptions(
    FallbackBody? Fallback, CallerMessageBody? UnavailableMessage, bool? RejectWithMessage, bool? MembersOnly,
    VoicemailBody? Voicemail = null, RingTeamBody? RingTeam = null, string? Language = null);

public sealed record InboxCallOptions(
    CallerMessageBody? UnavailableMessage,
    bool? RejectWithMessage,
    VoicemailBody? Voicemail = null);

/// <summary>A group's own options, and what its calls get once "follow the organization" is resolved.</summary>
public sealed record GroupCallOptionsAnswer(
    FallbackBody Fallback, CallerMessageBody? UnavailableMessage, bool RejectWithMessage, bool MembersOnly,
    EffectiveCallOptions Effective, VoicemailBody? Voicemail, RingTeamBody RingTeam, string? Language);

public sealed record InboxCallOptionsAnswer(
    CallerMessageBody? UnavailableMessage,
    bool RejectWithMessage,
    EffectiveCallOptions Effective,
    VoicemailBody? Voicemail = null);

/// <summary>
/// The fallback, message, voicemail and language a call actually gets; a null message is the stock one.
/// </summary>
public sealed record EffectiveCallOptions(
    FallbackBody? Fallback, CallerMessageBody? UnavailableMessage, VoicemailBody? Voicemail, string Language);

public sealed record MemberAnswer(long AgentId, string Name, DateTime AddedAt);

/// <summary>
/// The options B1–B4 of docs/routing.md: fallback, unavailable messages, rejection with a message, the
/// contact's name in the prompt, the maximum age of a last text, and group members; checked and stored the same way
/// for the admin API and the panel. A PUT replaces the whole set: what it leaves out takes its default.
/// </summary>
public sealed partial class CallOptionSettings(SwitchboardDb db, PhoneNormalizer phones, TimeProvider clock)
{
    public const int MaxSayLength = 1000;
    public const int MaxAgeDaysLimit = 3650;
    public const int VoicemailMinSeconds = 10;
    public const int VoicemailMaxSeconds = 600;
    public const int RetentionDaysLimit = 3650;

    public async Task<OrganizationCallOptions> OfOrganizationAsync(long orgId, CancellationToken ct) =>
        Answer(await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct));

    public async Task<Answer<OrganizationCallOptions>> SetOrganizationAsync(
        long orgId,
        OrganizationCallOptions? request,
        CancellationToken ct)
    {
        var organization = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        var errors = new Dictionary<string, string[]>();
        var (mode, forwardTo) = await FallbackAsync<FallbackMode>(request?.Fallback, FallbackMode.Forward, errors, ct);
        var message = Message(request?.UnavailableMessage, errors);
        if (request?.LastTextMaxAgeDays is < 1 or > MaxAgeDaysLimit)
        {
            errors["lastTextMaxAgeDays"] = [$"must be between 1 and {MaxAgeDaysLimit} days, or null for any age"];
        }

        if (request?.Language is { } language && !CallerLanguage.IsKnown(language))
        {
            errors["language"] = [LanguageProblem];
        }

        var voicemail = Voicemail(request?.Voicemail, errors);
        if (request?.VoicemailRetentionDays is < 1 or > RetentionDaysLimit)
        {
            errors["voicemailRetentionDays"] =
                [$"must be between 1 and {RetentionDaysLimit} days (the default is {VoicemailDefaults.RetentionDays})"];
        }

        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        organization.FallbackMode = mode;
        organization.FallbackForwardTo = forwardTo;
        Store(organization, message);
        organization.SayContactName = request?.SayContactName ?? true;
        organization.LastTextMaxAgeDays = request?.LastTextMaxAgeDays;
        organization.RejectFailedVerification = request?.RejectFailedVerification ?? false;
        organization.Language = request?.Language ?? CallerLanguage.English;
        organization.VoicemailEnabled = voicemail?.Enabled ?? false;
        organization.VoicemailMaxSeconds = voicemail?.MaxSeconds ?? VoicemailDefaults.MaxSeconds;
        organization.VoicemailTranscribe = voicemail?.Transcribe ?? false;
        organization.VoicemailRetentionDays = request?.VoicemailRetentionDays ?? VoicemailDefaults.RetentionDays;
        await db.SaveChangesAsync(ct);
        return Answer(organization);
    }

    public async Task<Answer<GroupCallOptionsAnswer>> OfGroupAsync(long orgId, long groupId, CancellationToken ct) =>
        await db.Groups.AsNoTracking()
            .FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is { } group
            ? await AnswerAsync(group, ct)
            : new Refusal.Missing("group");

    public async Task<Answer<GroupCallOptionsAnswer>> SetGroupAsync(
        long orgId,
        long groupId,
        GroupCallOptions? request,
        CancellationToken ct)
    {
        if (await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct) is not { } group)
        {
            return new Refusal.Missing("group");
        }

        var errors = new Dictionary<string, string[]>();
        var (mode, forwardTo) = await FallbackAsync<GroupFallbackMode>(
            request?.Fallback,
            GroupFallbackMode.Forward,
            errors,
            ct);
        var message = Message(request?.UnavailableMessage, errors);
        var ringTeam = RingTeamOf(request?.RingTeam, errors);
        if (request?.Language is { } language && !CallerLanguage.IsKnown(language))
        {
            errors["language"] = [LanguageProblem + ", or null to follow the organization"];
        }

        var voicemail = Voicemail(request?.Voicemail, errors);
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        group.RingTeamMode = ringTeam.Mode;
        group.RingTeamSeconds = ringTeam.RingSeconds;
        group.RingTeamMaxAgents = ringTeam.MaxAgents;
        group.Language = request?.Language;
        group.FallbackMode = mode;
        group.FallbackForwardTo = forwardTo;
        Store(group, message);
        Store(group, voicemail);
        group.RejectWithMessage = request?.RejectWithMessage ?? false;
        group.MembersOnly = request?.MembersOnly ?? false;
        await db.SaveChangesAsync(ct);
        return await AnswerAsync(group, ct);
    }

    public async Task<Answer<InboxCallOptionsAnswer>> OfInboxAsync(long orgId, long inboxId, CancellationToken ct) =>
        await db.Inboxes.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Id == inboxId && i.OrganizationId == orgId, ct) is { } inbox
            ? await AnswerAsync(inbox, ct)
            : new Refusal.Missing("inbox");

    public async Task<Answer<InboxCallOptionsAnswer>> SetInboxAsync(
        long orgId,
        long inboxId,
        InboxCallOptions? request,
        CancellationToken ct)
    {
        if (await db.Inboxes.FirstOrDefaultAsync(
            i => i.Id == inboxId && i.OrganizationId == orgId,
            ct) is not { } inbox)
        {
            return new Refusal.Missing("inbox");
        }

        var errors = new Dictionary<string, string[]>();
        var message = Message(request?.UnavailableMessage, errors);
        var voicemail = Voicemail(request?.Voicemail, errors);
        if (errors.Count > 0)
        {
            return new Refusal.Invalid(errors);
        }

        Store(inbox, message);
        Store(inbox, voicemail);
        inbox.RejectWithMessage = request?.RejectWithMessage ?? false;
        await db.SaveChangesAsync(ct);
        return await AnswerAsync(inbox, ct);
    }

    public async Task<Answer<MemberAnswer[]>> MembersAsync(long orgId, long groupId, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct))
        {
            return new Refusal.Missing("group");
        }

        return await (
            from m in db.GroupMembers.AsNoTracking()
            where m.GroupId == groupId
            join a in db.Agents on m.AgentId equals a.Id
            where a.DeletedAt == null
            orderby a.Name, a.Id
            select new MemberAnswer(a.Id, a.Name, m.AddedAt)).ToArrayAsync(ct);
    }

    /// <summary>Adds the agent to the group; adding a member again changes nothing.</summary>
    public async Task<Refusal?> AddMemberAsync(long orgId, long groupId, long agentId, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct))
        {
            return new Refusal.Missing("group");
        }

        if (!await db.Agents.AnyAsync(a => a.Id == agentId && a.OrganizationId == orgId && a.DeletedAt == null, ct))
        {
            return new Refusal.Missing("agent");
        }

        if (!await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.AgentId == agentId, ct))
        {
            db.GroupMembers.Add(
                new GroupMember
                {
                    OrganizationId = orgId,
                    GroupId = groupId,
                    AgentId = agentId,
                    AddedAt = clock.GetUtcNow().UtcDateTime,
                });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Added at the same moment by another request, the agent is a member, as asked; anything else is a
                // failure.
                db.ChangeTracker.Clear();
                if (!await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.AgentId == agentId, ct))
                {
                    throw;
                }
            }
        }

        return null;
    }

    public async Task<Refusal?> RemoveMemberAsync(long orgId, long groupId, long agentId, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == groupId && g.OrganizationId == orgId, ct))
        {
            return new Refusal.Missing("group");
        }

        if (await db.GroupMembers.FirstOrDefaultAsync(
            m => m.GroupId == groupId && m.AgentId == agentId,
            ct) is not { } member)
        {
            return new Refusal.Missing("member");
        }

        db.GroupMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private static OrganizationCallOptions Answer(Organization organization) => new(
        new FallbackBody(EnumNames.Name(organization.FallbackMode), organization.FallbackForwardTo),
        Body(organization),
        organization.SayContactName,
        organization.LastTextMaxAgeDays,
        new VoicemailBody(
            organization.VoicemailEnabled,
            organization.VoicemailMaxSeconds,
            organization.VoicemailTranscribe),
        organization.VoicemailRetentionDays,
        organization.RejectFailedVerification,
        organization.Language);

    private const string LanguageProblem = "must be \"en-US\" or \"es-US\"";

    private static RingTeam RingTeamOf(RingTeamBody? body, Dictionary<string, string[]> errors)
    {
        if (body is null)
        {
            return RingTeam.Off;
        }

        var mode = RingTeamMode.Off;
        if (body.Mode is not null && !EnumNames.TryParse(body.Mode, out mode))
        {
            errors["ringTeam.mode"] = [EnumNames.Allowed<RingTeamMode>()];
        }

        if (body.RingSeconds is < RingTeam.MinRingSeconds or > RingTeam.MaxRingSeconds)
        {
            errors["ringTeam.ringSeconds"] =
                [$"must be between {RingTeam.MinRingSeconds} and {RingTeam.MaxRingSeconds} seconds"];
        }

        if (body.MaxAgents is < 1 or > RingTeam.MaxAgentsLimit)
        {
            errors["ringTeam.maxAgents"] = [$"must be between 1 and {RingTeam.MaxAgentsLimit}"];
        }

        return new RingTeam(
            mode,
            body.RingSeconds ?? RingTeam.DefaultRingSeconds,
            body.MaxAgents ?? RingTeam.DefaultMaxAgents);
    }

    private async Task<GroupCallOptionsAnswer> AnswerAsync(Group group, CancellationToken ct)
    {
        var organization = await OfOrganizationAsync(group.OrganizationId, ct);
        var fallback = group.FallbackMode == GroupFallbackMode.FollowOrganization
            ? organization.Fallback
            : new FallbackBody(EnumNames.Name(group.FallbackMode), group.FallbackForwardTo);
        return new GroupCallOptionsAnswer(
            new FallbackBody(EnumNames.Name(group.FallbackMode), group.FallbackForwardTo),
            Body(group),
            group.RejectWithMessage,
            group.MembersOnly,
            new EffectiveCallOptions(
                fallback,
                Heard(group, organization.UnavailableMessage),
                VoicemailOf(group) ?? organization.Voicemail,
                group.Language ?? organization.Language ?? CallerLanguage.English),
            VoicemailOf(group),
            new RingTeamBody(EnumNames.Name(group.RingTeamMode), group.RingTeamSeconds, group.RingTeamMaxAgents),
            group.Language);
    }

    private async Task<InboxCallOptionsAnswer> AnswerAsync(Inbox inbox, CancellationToken ct)
    {
        var organization = await OfOrganizationAsync(inbox.OrganizationId, ct);
        return new InboxCallOptionsAnswer(
            Body(inbox),
            inbox.RejectWithMessage,
            new EffectiveCallOptions(
                null,
                Heard(inbox, organization.UnavailableMessage),
                VoicemailOf(inbox) ?? organization.Voicemail,
                organization.Language ?? CallerLanguage.English),
            VoicemailOf(inbox));
    }

    private static CallerMessageBody? Body(ICallerMessageSetting owner) => Body(MessageOf(owner));

    private static CallerMessageBody? Body(CallerMessage? message) =>
        message is null ? null : new CallerMessageBody(message.Say, message.Voice, message.Language, message.PlayUrl);

    private static CallerMessage? MessageOf(ICallerMessageSetting owner) =>
        CallerMessage.From(owner.MessageSay, owner.MessageVoice, owner.MessageLanguage, owner.MessagePlayUrl);

    /// <summary>
    /// What a caller of the group or inbox hears (<see cref="CallerMessage.Heard"/>), in the API's words.
    /// </summary>
    private static CallerMessageBody? Heard(ICallerMessageSetting owner, CallerMessageBody? organization) =>
        Body(CallerMessage.Heard(
            MessageOf(owner),
            organization is null
                ? null
                : CallerMessage.From(organization.Say, organization.Voice, organization.Language, organization.Play)));

    private static VoicemailBody? VoicemailOf(IVoicemailSetting owner) => owner.VoicemailEnabled is { } enabled
        ? new VoicemailBody(
            enabled,
            owner.VoicemailMaxSeconds ?? VoicemailDefaults.MaxSeconds,
            owner.VoicemailTranscribe ?? false)
        : null;

    /// <summary>Null follows the organization's voicemail.</summary>
    private static void Store(IVoicemailSetting owner, VoicemailBody? voicemail)
    {
        owner.VoicemailEnabled = voicemail?.Enabled;
        owner.VoicemailMaxSeconds = voicemail?.MaxSeconds;
        owner.VoicemailTranscribe = voicemail?.Transcribe;
    }

    /// <summary>A voicemail setting as stored: enabled is required, the rest takes its default.</summary>
    private static VoicemailBody? Voicemail(VoicemailBody? body, Dictionary<string, string[]> errors)
    {
        if (body is null)
        {
            return null;
        }

        var before = errors.Count;
        if (body.Enabled is null)
        {
            errors["voicemail.enabled"] = ["is required: true or false"];
        }

        if (body.MaxSeconds is < VoicemailMinSeconds or > VoicemailMaxSeconds)
        {
            errors["voicemail.maxSeconds"] =
                [
                    $"must be between {VoicemailMinSeconds} and {VoicemailMaxSeconds} seconds (the default " +
                    $"is {VoicemailDefaults.MaxSeconds})",
                ];
        }

        return errors.Count > before
            ? null
            : new VoicemailBody(
                body.Enabled,
                body.MaxSeconds ?? VoicemailDefaults.MaxSeconds,
                body.Transcribe ?? false);
    }

    private static void Store(ICallerMessageSetting owner, CallerMessage? message)
    {
        owner.MessageSay = message?.Say;
        owner.MessageVoice = message?.Voice;
        owner.MessageLanguage = message?.Language;
        owner.MessagePlayUrl = message?.PlayUrl;
    }

    private async Task<(TMode Mode, string? ForwardTo)> FallbackAsync<TMode>(
        FallbackBody? body, TMode forwardMode, Dictionary<string, string[]> errors, CancellationToken ct)
            where TMode : struct, Enum
    {
        if (body is null)
        {
            return (default, null);
        }

        if (!EnumNames.TryParse<TMode>(body.Mode, out var mode))
        {
            errors["fallback.mode"] = [EnumNames.Allowed<TMode>()];
            return (default, null);
        }

        if (!EqualityComparer<TMode>.Default.Equals(mode, forwardMode))
        {
            return (mode, null);
        }

        var (target, problem) = await ForwardTargetAsync(
            body.ForwardTo,
            "to forward calls the agent does not take",
            ct);
        if (problem is not null)
        {
            errors["fallback.forwardTo"] = [problem];
        }

        return (mode, target);
    }

    /// <summary>A forward target must be a phone number and not a platform number, which would loop the call.</summary>
    internal async Task<(string? Target, string? Problem)> ForwardTargetAsync(
        string? value,
        string purpose,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, $"is required {purpose}");
        }

        if (!phones.TryNormalize(value, out var target))
        {
            return (null, $"{value} is not a valid phone number");
        }

        return await db.Numbers.AnyAsync(n => n.Number == target, ct)
            ? (null, $"{target} is a platform number; forwarding to it would loop the call")
            : (target, null);
    }

    private static CallerMessage? Message(CallerMessageBody? body, Dictionary<string, string[]> errors)
    {
        if (body is null)
        {
            return null;
        }

        var say = string.IsNullOrWhiteSpace(body.Say) ? null : body.Say.Trim();
        var play = string.IsNullOrWhiteSpace(body.Play) ? null : body.Play.Trim();
        var voice = string.IsNullOrWhiteSpace(body.Voice) ? null : body.Voice.Trim();
        var language = string.IsNullOrWhiteSpace(body.Language) ? null : body.Language.Trim();
        var before = errors.Count;
        if ((say is null) == (play is null))
        {
            errors["unavailableMessage"] = ["give either \"say\" (text to speak) or \"play\" (an audio URL), not both"];
            return null;
        }

        if (say is { Length: > MaxSayLength } || say?.Any(char.IsControl) == true)
        {
            errors["unavailableMessage.say"] =
                [$"must be at most {MaxSayLength} characters, without control characters"];
        }

        if (play is not null
            && !(Uri.TryCreate(play, UriKind.Absolute, out var url)
                && url.Scheme is "https" or "http"
                && play.Length <= 2000))
        {
            errors["unavailableMessage.play"] =
                ["must be an absolute http or https URL of an audio file, at most 2000 characters"];
        }

        if (voice is not null && (play is not null || !VoicePattern().IsMatch(voice)))
        {
            errors["unavailableMessage.voice"] = [play is not null
                ? "applies only to \"say\""
                : "must be a voice name such as \"alice\", \"man\", \"woman\" or \"Polly.Joanna\" (letters, digits, " +
                    "'.', '-', '_'; at most 64)"];
        }

        if (language is not null && (play is not null || !LanguagePattern().IsMatch(language)))
        {
            errors["unavailableMessage.language"] =
                [play is not null
                    ? "applies only to \"say\""
                    : "must be a language tag such as \"en-US\" or \"es-MX\""];
        }

        return errors.Count > before ? null : new CallerMessage(say, voice, language, play);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex VoicePattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")]
    private static partial Regex LanguagePattern();
}
