using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Reads the facts for one call in a single statement of indexed point lookups (the number, its owner, the
/// organization, the group's latest text to the caller in ContactTexts (kind 0: group) and its agent, and whether
/// the organization blocked the caller), however long the history.
/// Plain SQL, prepared once on each of a few connections kept open for it: on the hot path, EF's query
/// pipeline and SQLite's parsing of the statement on every call cost more than the lookups themselves.
/// A connection that fails once is closed and never reused.
/// </summary>
public sealed class RoutingFactsReader(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private const int MaxIdleSessions = 16;

    // Every column has a name of its own (FactsRow's), read by name: ordinals are resolved once per connection.
    private const string Sql = """
        SELECT n."OrganizationId" AS "OrganizationId", n."GroupId" AS "GroupId", n."InboxId" AS "InboxId",
               o."CallEventsUrl" AS "CallEventsUrl",
               o."MessageSay" AS "OrganizationSay", o."MessageVoice" AS "OrganizationVoice",
               o."MessageLanguage" AS "OrganizationLanguage", o."MessagePlayUrl" AS "OrganizationPlayUrl",
               o."InboundMode" AS "OrganizationMode", o."InboundForwardTo" AS "OrganizationForwardTo",
               o."FallbackMode" AS "OrganizationFallbackMode", o."FallbackForwardTo" AS "OrganizationFallbackForwardTo",
               o."LastTextMaxAgeDays" AS "LastTextMaxAgeDays",
               i."Name" AS "InboxName", i."InboundMode" AS "InboxMode", i."InboundForwardTo" AS "InboxForwardTo",
               i."MessageSay" AS "InboxSay", i."MessageVoice" AS "InboxVoice",
               i."MessageLanguage" AS "InboxLanguage", i."MessagePlayUrl" AS "InboxPlayUrl",
               i."RejectWithMessage" AS "InboxRejectWithMessage",
               g."Name" AS "GroupName", g."InboundMode" AS "GroupMode", g."InboundForwardTo" AS "GroupForwardTo",
               g."FallbackMode" AS "GroupFallbackMode", g."FallbackForwardTo" AS "GroupFallbackForwardTo",
               g."MembersOnly" AS "MembersOnly",
               g."MessageSay" AS "GroupSay", g."MessageVoice" AS "GroupVoice",
               g."MessageLanguage" AS "GroupLanguage", g."MessagePlayUrl" AS "GroupPlayUrl",
               g."RejectWithMessage" AS "GroupRejectWithMessage",
               l."AgentId" AS "TexterId", l."SentAt" AS "TextSentAt",
               a."Id" AS "AgentId", a."Active" AS "AgentActive", a."DeletedAt" AS "AgentDeletedAt",
               a."Phone" AS "AgentPhone",
               m."AgentId" AS "MemberId",
               o."Hours" AS "OrganizationHours", o."RejectFailedVerification" AS "RejectFailedVerification",
               o."Language" AS "OrganizationSpokenLanguage", i."Hours" AS "InboxHours", g."Hours" AS "GroupHours",
               g."Language" AS "GroupSpokenLanguage", g."RingTeamMode" AS "RingTeamMode",
               g."RingTeamSeconds" AS "RingTeamSeconds", g."RingTeamMaxAgents" AS "RingTeamMaxAgents",
               b."Number" AS "BlockedCaller"
        FROM "Numbers" AS n
        LEFT JOIN "Inboxes" AS i ON i."Id" = n."InboxId"
        LEFT JOIN "Groups" AS g ON g."Id" = n."GroupId"
        LEFT JOIN "Organizations" AS o ON o."Id" = n."OrganizationId"
        LEFT JOIN "ContactTexts" AS l ON l."OrganizationId" = n."OrganizationId" AND l."Contact" = @caller
                                     AND l."Kind" = 0 AND l."OwnerId" = n."GroupId"
        LEFT JOIN "Agents" AS a ON a."Id" = l."AgentId"
        LEFT JOIN "GroupMembers" AS m ON m."GroupId" = n."GroupId" AND m."AgentId" = l."AgentId"
        LEFT JOIN "BlockedCallers" AS b ON b."OrganizationId" = n."OrganizationId" AND b."Number" = @caller
        WHERE n."Number" = @number
        """;

    private readonly ConcurrentBag<Session> _idle = [];
    private (DbProviderFactory Factory, string ConnectionString)? _source;

    public async Task<RoutingFacts> ReadAsync(string? number, string? caller, DateTime now, CancellationToken ct)
    {
        if (number is null)
        {
            return new RoutingFacts { Caller = caller, Number = null, Now = now };
        }

        var session = _idle.TryTake(out var idle) ? idle : await OpenAsync(ct);
        try
        {
            var facts = await ReadAsync(session, number, caller, now, ct);
            if (_idle.Count < MaxIdleSessions)
            {
                _idle.Add(session);
            }
            else
            {
                await session.DisposeAsync();
            }

            return facts;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The database failed under this connection; the kept ones most likely share its fate (a restart,
            // an outage), so none is reused: the first call after the database returns opens a fresh one.
            await session.DisposeAsync();
            await DropIdleAsync();
            throw;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await DropIdleAsync();

    private async Task DropIdleAsync()
    {
        while (_idle.TryTake(out var session))
        {
            await session.DisposeAsync();
        }
    }

    private async Task<Session> OpenAsync(CancellationToken ct)
    {
        var (factory, connectionString) = _source ??= Source();
        var connection = factory.CreateConnection()
            ?? throw new InvalidOperationException($"{factory.GetType().Name} creates no connections");
        connection.ConnectionString = connectionString;
        try
        {
            await connection.OpenAsync(ct);
            var command = connection.CreateCommand();
            command.CommandText = Sql;
            var number = AddParameter(command, "@number");
            var caller = AddParameter(command, "@caller");
            await command.PrepareAsync(ct);
            return new Session(connection, command, number, caller);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same database, provider and connection string as the app's context.</summary>
    private (DbProviderFactory Factory, string ConnectionString) Source()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var connection = db.Database.GetDbConnection();
        var factory = DbProviderFactories.GetFactory(connection)
            ?? throw new InvalidOperationException($"No provider factory for {connection.GetType().Name}");
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The database has no connection string");
        return (factory, connectionString);
    }

    private static async Task<RoutingFacts> ReadAsync(
        Session session, string number, string? caller, DateTime now, CancellationToken ct)
    {
        session.Number.Value = number;
        session.Caller.Value = (object?)caller ?? DBNull.Value;
        await using var row = await session.Command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await row.ReadAsync(ct))
        {
            return new RoutingFacts { Caller = caller, Number = null, Now = now };
        }

        var facts = FactsRow.Read(row, session.Ordinals ??= new Ordinals(row));
        OwnerFacts? owner = null;
        if (facts.InboxId is { } inboxId && facts.InboxName is not null)
        {
            owner = new InboxFacts
            {
                InboxId = inboxId,
                Name = facts.InboxName,
                Mode = Enum.Parse<InboxMode>(facts.InboxMode!),
                ForwardTo = facts.InboxForwardTo,
                Message = facts.InboxMessage,
                RejectWithMessage = facts.InboxRejectWithMessage,
                OwnHours = StoredHours.Parse(facts.InboxHours),
            };
        }
        else if (facts.GroupId is { } groupId && facts.GroupName is not null)
        {
            owner = new GroupFacts
            {
                GroupId = groupId,
                Name = facts.GroupName,
                Mode = Enum.Parse<GroupMode>(facts.GroupMode!),
                ForwardTo = facts.GroupForwardTo,
                OrganizationMode = Enum.Parse<OrganizationMode>(facts.OrganizationMode!),
                OrganizationForwardTo = facts.OrganizationForwardTo,
                FallbackMode = Enum.Parse<GroupFallbackMode>(facts.GroupFallbackMode!),
                FallbackForwardTo = facts.GroupFallbackForwardTo,
                OrganizationFallbackMode = Enum.Parse<FallbackMode>(facts.OrganizationFallbackMode!),
                OrganizationFallbackForwardTo = facts.OrganizationFallbackForwardTo,
                MembersOnly = facts.MembersOnly,
                LastTextMaxAgeDays = facts.LastTextMaxAgeDays,
                Message = facts.GroupMessage,
                RejectWithMessage = facts.GroupRejectWithMessage,
                OwnHours = StoredHours.Parse(facts.GroupHours),
                Language = facts.GroupSpokenLanguage,
                RingTeam = new RingTeam(
                    Enum.Parse<RingTeamMode>(facts.RingTeamMode!),
                    facts.RingTeamSeconds ?? RingTeam.DefaultRingSeconds,
                    facts.RingTeamMaxAgents ?? RingTeam.DefaultMaxAgents),
                LastTexter = facts is { TexterId: { } texterId, TextSentAt: { } sentAt } ? new LastTexterFacts
                {
                    AgentId = texterId,
                    SentAt = sentAt,
                    State = facts.AgentId is null || facts.AgentDeletedAt is not null ? AgentState.Deleted
                        : facts.AgentActive ? AgentState.Active : AgentState.Inactive,
                    Phone = facts.AgentPhone,
                    IsMember = facts.MemberId is not null,
                } : null,
            };
        }

        return new RoutingFacts
        {
            Caller = caller,
            Now = now,
            Number = new NumberFacts
            {
                Number = number,
                OrganizationId = facts.OrganizationId,
                Owner = owner,
                ReportsCallEvents = facts.CallEventsUrl is not null,
                OrganizationMessage = facts.OrganizationMessage,
                OrganizationHours = StoredHours.Parse(facts.OrganizationHours),
                RejectFailedVerification = facts.RejectFailedVerification,
                Language = facts.OrganizationSpokenLanguage ?? CallerLanguage.English,
                CallerBlocked = facts.BlockedCaller is not null,
            },
        };
    }

    /// <summary>
    /// The row of <see cref="Sql"/>: the number, its owner and organization, the last texter, the caller's block.
    /// </summary>
    private sealed record FactsRow
    {
        public required long OrganizationId { get; init; }
        public required long? GroupId { get; init; }
        public required long? InboxId { get; init; }
        public required string? CallEventsUrl { get; init; }
        public required CallerMessage? OrganizationMessage { get; init; }
        public required string? OrganizationMode { get; init; }
        public required string? OrganizationForwardTo { get; init; }
        public required string? OrganizationFallbackMode { get; init; }
        public required string? OrganizationFallbackForwardTo { get; init; }
        public required int? LastTextMaxAgeDays { get; init; }
        public required string? InboxName { get; init; }
        public required string? InboxMode { get; init; }
        public required string? InboxForwardTo { get; init; }
        public required CallerMessage? InboxMessage { get; init; }
        public required bool InboxRejectWithMessage { get; init; }
        public required string? GroupName { get; init; }
        public required string? GroupMode { get; init; }
        public required string? GroupForwardTo { get; init; }
        public required string? GroupFallbackMode { get; init; }
        public required string? GroupFallbackForwardTo { get; init; }
        public required bool MembersOnly { get; init; }
        public required CallerMessage? GroupMessage { get; init; }
        public required bool GroupRejectWithMessage { get; init; }
        public required long? TexterId { get; init; }
        public required DateTime? TextSentAt { get; init; }
        public required long? AgentId { get; init; }
        public required bool AgentActive { get; init; }
        public required DateTime? AgentDeletedAt { get; init; }
        public required string? AgentPhone { get; init; }
        public required long? MemberId { get; init; }
        public required string? OrganizationHours { get; init; }
        public required bool RejectFailedVerification { get; init; }
        public required string? OrganizationSpokenLanguage { get; init; }
        public required string? InboxHours { get; init; }
        public required string? GroupHours { get; init; }
        public required string? GroupSpokenLanguage { get; init; }
        public required string? RingTeamMode { get; init; }
        public required int? RingTeamSeconds { get; init; }
        public required int? RingTeamMaxAgents { get; init; }
        public required string? BlockedCaller { get; init; }

        public static FactsRow Read(DbDataReader row, Ordinals at) => new()
        {
            OrganizationId = row.GetInt64(at.OrganizationId),
            GroupId = Int64(row, at.GroupId),
            InboxId = Int64(row, at.InboxId),
            CallEventsUrl = Text(row, at.CallEventsUrl),
            OrganizationMessage = Message(row, at.OrganizationMessage),
            OrganizationMode = Text(row, at.OrganizationMode),
            OrganizationForwardTo = Text(row, at.OrganizationForwardTo),
            OrganizationFallbackMode = Text(row, at.OrganizationFallbackMode),
            OrganizationFallbackForwardTo = Text(row, at.OrganizationFallbackForwardTo),
            LastTextMaxAgeDays = Int32(row, at.LastTextMaxAgeDays),
            InboxName = Text(row, at.InboxName),
            InboxMode = Text(row, at.InboxMode),
            InboxForwardTo = Text(row, at.InboxForwardTo),
            InboxMessage = Message(row, at.InboxMessage),
            InboxRejectWithMessage = Flag(row, at.InboxRejectWithMessage),
            GroupName = Text(row, at.GroupName),
            GroupMode = Text(row, at.GroupMode),
            GroupForwardTo = Text(row, at.GroupForwardTo),
            GroupFallbackMode = Text(row, at.GroupFallbackMode),
            GroupFallbackForwardTo = Text(row, at.GroupFallbackForwardTo),
            MembersOnly = Flag(row, at.MembersOnly),
            GroupMessage = Message(row, at.GroupMessage),
            GroupRejectWithMessage = Flag(row, at.GroupRejectWithMessage),
            TexterId = Int64(row, at.TexterId),
            TextSentAt = Time(row, at.TextSentAt),
            AgentId = Int64(row, at.AgentId),
            AgentActive = Flag(row, at.AgentActive),
            AgentDeletedAt = Time(row, at.AgentDeletedAt),
            AgentPhone = Text(row, at.AgentPhone),
            MemberId = Int64(row, at.MemberId),
            OrganizationHours = Text(row, at.OrganizationHours),
            RejectFailedVerification = Flag(row, at.RejectFailedVerification),
            OrganizationSpokenLanguage = Text(row, at.OrganizationSpokenLanguage),
            InboxHours = Text(row, at.InboxHours),
            GroupHours = Text(row, at.GroupHours),
            GroupSpokenLanguage = Text(row, at.GroupSpokenLanguage),
            RingTeamMode = Text(row, at.RingTeamMode),
            RingTeamSeconds = Int32(row, at.RingTeamSeconds),
            RingTeamMaxAgents = Int32(row, at.RingTeamMaxAgents),
            BlockedCaller = Text(row, at.BlockedCaller),
        };

        private static string? Text(DbDataReader row, int at) => row.IsDBNull(at) ? null : row.GetString(at);

        private static long? Int64(DbDataReader row, int at) => row.IsDBNull(at) ? null : row.GetInt64(at);

        private static int? Int32(DbDataReader row, int at) => row.IsDBNull(at) ? null : row.GetInt32(at);

        private static bool Flag(DbDataReader row, int at) => !row.IsDBNull(at) && row.GetBoolean(at);

        private static DateTime? Time(DbDataReader row, int at) =>
            row.IsDBNull(at) ? null : DateTime.SpecifyKind(row.GetDateTime(at), DateTimeKind.Utc);

        private static CallerMessage? Message(DbDataReader row, MessageOrdinals at) =>
            CallerMessage.From(Text(row, at.Say), Text(row, at.Voice), Text(row, at.Language), Text(row, at.PlayUrl));
    }

    /// <summary>Where each column of <see cref="FactsRow"/> is, looked up by name once per connection.</summary>
    private sealed class Ordinals(DbDataReader row)
    {
        public readonly int OrganizationId = row.GetOrdinal("OrganizationId");
        public readonly int GroupId = row.GetOrdinal("GroupId");
        public readonly int InboxId = row.GetOrdinal("InboxId");
        public readonly int CallEventsUrl = row.GetOrdinal("CallEventsUrl");
        public readonly MessageOrdinals OrganizationMessage = new(row, "Organization");
        public readonly int OrganizationMode = row.GetOrdinal("OrganizationMode");
        public readonly int OrganizationForwardTo = row.GetOrdinal("OrganizationForwardTo");
        public readonly int OrganizationFallbackMode = row.GetOrdinal("OrganizationFallbackMode");
        public readonly int OrganizationFallbackForwardTo = row.GetOrdinal("OrganizationFallbackForwardTo");
        public readonly int LastTextMaxAgeDays = row.GetOrdinal("LastTextMaxAgeDays");
        public readonly int InboxName = row.GetOrdinal("InboxName");
        public readonly int InboxMode = row.GetOrdinal("InboxMode");
        public readonly int InboxForwardTo = row.GetOrdinal("InboxForwardTo");
        public readonly MessageOrdinals InboxMessage = new(row, "Inbox");
        public readonly int InboxRejectWithMessage = row.GetOrdinal("InboxRejectWithMessage");
        public readonly int GroupName = row.GetOrdinal("GroupName");
        public readonly int GroupMode = row.GetOrdinal("GroupMode");
        public readonly int GroupForwardTo = row.GetOrdinal("GroupForwardTo");
        public readonly int GroupFallbackMode = row.GetOrdinal("GroupFallbackMode");
        public readonly int GroupFallbackForwardTo = row.GetOrdinal("GroupFallbackForwardTo");
        public readonly int MembersOnly = row.GetOrdinal("MembersOnly");
        public readonly MessageOrdinals GroupMessage = new(row, "Group");
        public readonly int GroupRejectWithMessage = row.GetOrdinal("GroupRejectWithMessage");
        public readonly int TexterId = row.GetOrdinal("TexterId");
        public readonly int TextSentAt = row.GetOrdinal("TextSentAt");
        public readonly int AgentId = row.GetOrdinal("AgentId");
        public readonly int AgentActive = row.GetOrdinal("AgentActive");
        public readonly int AgentDeletedAt = row.GetOrdinal("AgentDeletedAt");
        public readonly int AgentPhone = row.GetOrdinal("AgentPhone");
        public readonly int MemberId = row.GetOrdinal("MemberId");
        public readonly int OrganizationHours = row.GetOrdinal("OrganizationHours");
        public readonly int RejectFailedVerification = row.GetOrdinal("RejectFailedVerification");
        public readonly int OrganizationSpokenLanguage = row.GetOrdinal("OrganizationSpokenLanguage");
        public readonly int InboxHours = row.GetOrdinal("InboxHours");
        public readonly int GroupHours = row.GetOrdinal("GroupHours");
        public readonly int GroupSpokenLanguage = row.GetOrdinal("GroupSpokenLanguage");
        public readonly int RingTeamMode = row.GetOrdinal("RingTeamMode");
        public readonly int RingTeamSeconds = row.GetOrdinal("RingTeamSeconds");
        public readonly int RingTeamMaxAgents = row.GetOrdinal("RingTeamMaxAgents");
        public readonly int BlockedCaller = row.GetOrdinal("BlockedCaller");
    }

    /// <summary>An unavailable message's four columns, named after whose it is ("GroupSay", "GroupVoice"…).</summary>
    private sealed class MessageOrdinals(DbDataReader row, string owner)
    {
        public readonly int Say = row.GetOrdinal(owner + "Say");
        public readonly int Voice = row.GetOrdinal(owner + "Voice");
        public readonly int Language = row.GetOrdinal(owner + "Language");
        public readonly int PlayUrl = row.GetOrdinal(owner + "PlayUrl");
    }

    private static DbParameter AddParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Size = 32;
        parameter.Value = DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private sealed record Session(DbConnection Connection, DbCommand Command, DbParameter Number, DbParameter Caller)
        : IAsyncDisposable
    {
        /// <summary>Known after the statement's first row on this connection.</summary>
        public Ordinals? Ordinals { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
