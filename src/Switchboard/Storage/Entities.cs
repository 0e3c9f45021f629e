using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Whatever has its own unavailable message: the organization, a group, an inbox. All null: the stock message (a
/// group's or inbox's: the organization's).
/// </summary>
public interface ICallerMessageSetting
{
    string? MessageSay { get; set; }
    string? MessageVoice { get; set; }
    string? MessageLanguage { get; set; }
    string? MessagePlayUrl { get; set; }
}

/// <summary>
/// A group's or inbox's own voicemail: all null follows the organization's; otherwise whether a caller who would hear
/// the unavailable message may leave one, for how long at most, and whether it is transcribed.
/// </summary>
public interface IVoicemailSetting
{
    bool? VoicemailEnabled { get; set; }
    int? VoicemailMaxSeconds { get; set; }
    bool? VoicemailTranscribe { get; set; }
}

/// <summary>Whatever has an "inbound calls" setting: the organization, a group, an inbox.</summary>
public interface IInboundCallsSetting<TMode> where TMode : struct, Enum
{
    TMode InboundMode { get; set; }
    string? InboundForwardTo { get; set; }
}

public sealed class Organization : IInboundCallsSetting<OrganizationMode>, ICallerMessageSetting
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public OrganizationMode InboundMode { get; set; }
    public string? InboundForwardTo { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Where call events go (the organization's texting platform); null: no events are kept.</summary>
    public string? CallEventsUrl { get; set; }

    /// <summary>
    /// Keys the HMAC-SHA256 signature of every event; it must be readable to sign, so it is kept as given.
    /// </summary>
    public string? CallEventsSecret { get; set; }

    public FallbackMode FallbackMode { get; set; }
    public string? FallbackForwardTo { get; set; }

    public string? MessageSay { get; set; }
    public string? MessageVoice { get; set; }
    public string? MessageLanguage { get; set; }
    public string? MessagePlayUrl { get; set; }

    /// <summary>The screening prompt says the contact's name, when the texting platform sent one.</summary>
    public bool SayContactName { get; set; } = true;

    /// <summary>A last text older than this many days counts as none; null: any age.</summary>
    public int? LastTextMaxAgeDays { get; set; }

    /// <summary>
    /// Opening hours as checked JSON (Admin/HoursSettings, read by Routing/StoredHours); null: always open.
    /// </summary>
    public string? Hours { get; set; }

    /// <summary>
    /// A caller who would hear the unavailable message is asked to leave a voicemail (docs/voicemail.md).
    /// </summary>
    public bool VoicemailEnabled { get; set; }

    public int VoicemailMaxSeconds { get; set; } = VoicemailDefaults.MaxSeconds;

    public bool VoicemailTranscribe { get; set; }

    /// <summary>
    /// Recordings older than this are deleted at the provider and forgotten; the call keeps its duration.
    /// </summary>
    public int VoicemailRetentionDays { get; set; } = VoicemailDefaults.RetentionDays;

    /// <summary>Texts and call records older than this many days are deleted; null: kept for ever.</summary>
    public int? DataRetentionDays { get; set; }

    /// <summary>Calls whose caller verification failed (STIR/SHAKEN) are rejected.</summary>
    public bool RejectFailedVerification { get; set; }

    /// <summary>The language Switchboard speaks on the organization's calls: "en-US" or "es-US".</summary>
    public string Language { get; set; } = CallerLanguage.English;
}

/// <summary>
/// A caller the organization does not take calls from; their calls are rejected before anything rings.
/// </summary>
public sealed class BlockedCaller
{
    public long OrganizationId { get; set; }
    public required string Number { get; set; }
    public DateTime BlockedAt { get; set; }

    /// <summary>
    /// The call an agent blocked the caller from, when an agent did (the agent never sees the number).
    /// </summary>
    public long? FromCallId { get; set; }
}

public static class VoicemailDefaults
{
    public const int MaxSeconds = 120;
    public const int RetentionDays = 90;
}

public sealed class Group : IInboundCallsSetting<GroupMode>, ICallerMessageSetting, IVoicemailSetting
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public required string Name { get; set; }
    public GroupMode InboundMode { get; set; }
    public string? InboundForwardTo { get; set; }
    public GroupFallbackMode FallbackMode { get; set; }
    public string? FallbackForwardTo { get; set; }

    public string? MessageSay { get; set; }
    public string? MessageVoice { get; set; }
    public string? MessageLanguage { get; set; }
    public string? MessagePlayUrl { get; set; }
    public bool RejectWithMessage { get; set; }

    /// <summary>Only the group's members take its calls (see <see cref="GroupMember"/>).</summary>
    public bool MembersOnly { get; set; }

    /// <summary>Own opening hours as checked JSON; null: the organization's.</summary>
    public string? Hours { get; set; }

    /// <summary>The group's own language; null: the organization's.</summary>
    public string? Language { get; set; }

    public RingTeamMode RingTeamMode { get; set; }
    public int RingTeamSeconds { get; set; } = RingTeam.DefaultRingSeconds;
    public int RingTeamMaxAgents { get; set; } = RingTeam.DefaultMaxAgents;

    public bool? VoicemailEnabled { get; set; }
    public int? VoicemailMaxSeconds { get; set; }
    public bool? VoicemailTranscribe { get; set; }
}

/// <summary>An agent in a group. It matters for routing only when the group takes calls for its members only.</summary>
public sealed class GroupMember
{
    public long OrganizationId { get; set; }
    public long GroupId { get; set; }
    public long AgentId { get; set; }
    public DateTime AddedAt { get; set; }
}

public sealed class Inbox : IInboundCallsSetting<InboxMode>, ICallerMessageSetting, IVoicemailSetting
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public required string Name { get; set; }
    public InboxMode InboundMode { get; set; }
    public string? InboundForwardTo { get; set; }

    public string? MessageSay { get; set; }
    public string? MessageVoice { get; set; }
    public string? MessageLanguage { get; set; }
    public string? MessagePlayUrl { get; set; }
    public bool RejectWithMessage { get; set; }

    /// <summary>Own opening hours as checked JSON; null: the organization's.</summary>
    public string? Hours { get; set; }

    public bool? VoicemailEnabled { get; set; }
    public int? VoicemailMaxSeconds { get; set; }
    public bool? VoicemailTranscribe { get; set; }
}

public enum AgentRole { Agent, Admin }

public sealed class Agent
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public string? Phone { get; set; }
    public AgentRole Role { get; set; }
    public bool Active { get; set; } = true;

    /// <summary>Deleted agents stay, so that history and routing can say "deleted" rather than forget them.</summary>
    public DateTime? DeletedAt { get; set; }

    public AgentState State =>
        DeletedAt is not null ? AgentState.Deleted : Active ? AgentState.Active : AgentState.Inactive;
}

public sealed class PlatformNumber
{
    public required string Number { get; set; }
    public long OrganizationId { get; set; }
    public long? GroupId { get; set; }
    public long? InboxId { get; set; }
}

public sealed class MessageEvent
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }

    /// <summary>The texting platform's id; a repeated id is recorded once.</summary>
    public string? ExternalId { get; set; }

    public long AgentId { get; set; }
    public required string Contact { get; set; }

    /// <summary>The contact's name, when the texting platform sent one; the screening prompt may say it.</summary>
    public string? ContactName { get; set; }

    public required string FromNumber { get; set; }
    public long? GroupId { get; set; }
    public long? InboxId { get; set; }
    public DateTime SentAt { get; set; }
    public DateTime RecordedAt { get; set; }
}

/// <summary>What a row of <see cref="ContactText"/> stands for; <see cref="ContactText.OwnerId"/> says whose.</summary>
public enum ContactTextKind
{
    /// <summary>The latest text to the contact from one group (routing's "last texter"); owner: the group.</summary>
    Group = 0,

    /// <summary>The latest text to the contact by one agent, from any group or inbox (calls out); owner: the agent.
    /// </summary>
    Agent = 1,

    /// <summary>One stored text (a <see cref="MessageEvent"/>), so that erasure finds it by contact; owner: its id.
    /// </summary>
    Text = 2,
}

/// <summary>
/// Everything looked up by contact, in one table keyed (organization, contact, kind, owner): routing reads a group's
/// latest text to the caller, a call out reads the agent's, erasure finds the contact's texts. A contact's rows sit
/// together, so ingesting a text dirties one random page of it instead of one page in each of several indexes.
/// </summary>
public sealed class ContactText
{
    public long OrganizationId { get; set; }
    public required string Contact { get; set; }
    public ContactTextKind Kind { get; set; }

    /// <summary>The group, the agent or the text, by <see cref="Kind"/>.</summary>
    public long OwnerId { get; set; }

    public long AgentId { get; set; }

    /// <summary>The platform number the text came from; null on <see cref="ContactTextKind.Text"/> rows.</summary>
    public string? FromNumber { get; set; }

    public long? GroupId { get; set; }
    public long? InboxId { get; set; }
    public DateTime SentAt { get; set; }

    /// <summary>On group rows: the contact's name from the latest text that carried one.</summary>
    public string? ContactName { get; set; }
}

public enum KeyRole { Agent, Admin }

public sealed class ApiKey
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public required string Name { get; set; }
    public KeyRole Role { get; set; }
    public long? AgentId { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>
/// A sign-in to the admin panel for one agent. Its role is the agent's; a deleted or inactive agent cannot sign in.
/// The email is unique across organizations, because signing in names no organization.
/// </summary>
public sealed class PanelLogin
{
    public long Id { get; set; }
    public long OrganizationId { get; set; }
    public long AgentId { get; set; }
    public required string Email { get; set; }

    /// <summary>ASP.NET Core Identity's password hash (PBKDF2 with a salt and its own version marker).</summary>
    public required string PasswordHash { get; set; }

    public int FailedAttempts { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Carried in each panel cookie and checked on every request: a new password or "sign out everywhere" changes it,
    /// and every cookie with the old one is refused at once. Empty for sign-ins made before it existed.
    /// </summary>
    public string SecurityStamp { get; set; } = "";

    public void NewSecurityStamp() =>
        SecurityStamp = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
