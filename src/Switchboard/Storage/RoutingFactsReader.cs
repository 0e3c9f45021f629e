using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Switchboard.Admin;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Reads the facts for one call in a single statement of indexed point lookups (the number, its owner, the
/// organization, the routing index row for (group, caller) and that agent, and whether the organization blocked
/// the caller), however long the history.
/// Plain SQL, prepared once on each of a few connections kept open for it: on the hot path, EF's query
/// pipeline and SQLite's parsing of the statement on every call cost more than the lookups themselves.
/// A connection that fails once is closed and never reused.
/// </summary>
public sealed class RoutingFactsReader(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private const int MaxIdleSessions = 16;

    // Read in this order by ReadAsync below.
    private const string Sql = """
        SELECT n."OrganizationId", n."GroupId", n."InboxId",
               o."CallEventsUrl", o."MessageSay", o."MessageVoice", o."MessageLanguage", o."MessagePlayUrl",
               i."Name", i."InboundMode", i."InboundForwardTo",
               i."MessageSay", i."MessageVoice", i."MessageLanguage", i."MessagePlayUrl", i."RejectWithMessage",
               g."Name", g."InboundMode", g."InboundForwardTo", o."InboundMode", o."InboundForwardTo",
               g."FallbackMode", g."FallbackForwardTo", o."FallbackMode", o."FallbackForwardTo",
               g."MembersOnly", o."LastTextMaxAgeDays",
               g."MessageSay", g."MessageVoice", g."MessageLanguage", g."MessagePlayUrl", g."RejectWithMessage",
               l."AgentId", l."SentAt", a."Id", a."Active", a."DeletedAt", a."Phone", m."AgentId",
               o."Hours", o."RejectFailedVerification", o."Language", i."Hours", g."Hours", g."Language",
               g."RingTeamMode", g."RingTeamSeconds", g."RingTeamMaxAgents", b."Number"
        FROM "Numbers" AS n
        LEFT JOIN "Inboxes" AS i ON i."Id" = n."InboxId"
        LEFT JOIN "Groups" AS g ON g."Id" = n."GroupId"
        LEFT JOIN "Organizations" AS o ON o."Id" = n."OrganizationId"
        LEFT JOIN "LastTexts" AS l ON l."GroupId" = n."GroupId" AND l."Contact" = @caller
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
        return (factory, db.Database.GetConnectionString() ?? throw new InvalidOperationException("The database has no connection string"));
    }

    private static async Task<RoutingFacts> ReadAsync(Session session, string number, string? caller, DateTime now, CancellationToken ct)
    {
        session.Number.Value = number;
        session.Caller.Value = (object?)caller ?? DBNull.Value;
        await using var row = await session.Command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await row.ReadAsync(ct))
        {
            return new RoutingFacts { Caller = caller, Number = null, Now = now };
        }

        var column = new Columns(row);
        var organizationId = column.Int64();
        var groupId = column.NullableInt64();
        var inboxId = column.NullableInt64();
        var reportsCallEvents = column.String() is not null;
        var organizationMessage = column.Message();

        var inbox = new
        {
            Name = column.String(), Mode = column.String(), ForwardTo = column.String(),
            Message = column.Message(), RejectWithMessage = column.Boolean(),
        };
        var group = new
        {
            Name = column.String(), Mode = column.String(), ForwardTo = column.String(),
            OrganizationMode = column.String(), OrganizationForwardTo = column.String(),
            FallbackMode = column.String(), FallbackForwardTo = column.String(),
            OrganizationFallbackMode = column.String(), OrganizationFallbackForwardTo = column.String(),
            MembersOnly = column.Boolean(), LastTextMaxAgeDays = column.NullableInt32(),
            Message = column.Message(), RejectWithMessage = column.Boolean(),
        };
        var texter = new
        {
            AgentId = column.NullableInt64(), SentAt = column.NullableDateTime(), Exists = column.NullableInt64() is not null,
            Active = column.Boolean(), Deleted = column.NullableDateTime() is not null, Phone = column.String(),
            IsMember = column.NullableInt64() is not null,
        };
        var lives = new
        {
            OrganizationHours = HoursSettings.Parse(column.String()), RejectFailedVerification = column.Boolean(),
            OrganizationLanguage = column.String() ?? CallerLanguage.English,
            InboxHours = HoursSettings.Parse(column.String()), GroupHours = HoursSettings.Parse(column.String()), GroupLanguage = column.String(),
            RingTeam = new { Mode = column.String(), Seconds = column.NullableInt32(), MaxAgents = column.NullableInt32() },
            CallerBlocked = column.String() is not null,
        };

        OwnerFacts? owner = null;
        if (inboxId is { } foundInbox && inbox.Name is not null)
        {
            owner = new InboxFacts
            {
                InboxId = foundInbox,
                Name = inbox.Name,
                Mode = Enum.Parse<InboxMode>(inbox.Mode!),
                ForwardTo = inbox.ForwardTo,
                Message = inbox.Message,
                RejectWithMessage = inbox.RejectWithMessage,
                OwnHours = lives.InboxHours,
            };
        }
        else if (groupId is { } foundGroup && group.Name is not null)
        {
            owner = new GroupFacts
            {
                GroupId = foundGroup,
                Name = group.Name,
                Mode = Enum.Parse<GroupMode>(group.Mode!),
                ForwardTo = group.ForwardTo,
                OrganizationMode = Enum.Parse<OrganizationMode>(group.OrganizationMode!),
                OrganizationForwardTo = group.OrganizationForwardTo,
                FallbackMode = Enum.Parse<GroupFallbackMode>(group.FallbackMode!),
                FallbackForwardTo = group.FallbackForwardTo,
                OrganizationFallbackMode = Enum.Parse<FallbackMode>(group.OrganizationFallbackMode!),
                OrganizationFallbackForwardTo = group.OrganizationFallbackForwardTo,
                MembersOnly = group.MembersOnly,
                LastTextMaxAgeDays = group.LastTextMaxAgeDays,
                Message = group.Message,
                RejectWithMessage = group.RejectWithMessage,
                OwnHours = lives.GroupHours,
                Language = lives.GroupLanguage,
                RingTeam = new RingTeam(
                    Enum.Parse<RingTeamMode>(lives.RingTeam.Mode!),
                    lives.RingTeam.Seconds ?? RingTeam.DefaultRingSeconds,
                    lives.RingTeam.MaxAgents ?? RingTeam.DefaultMaxAgents),
                LastTexter = texter is { AgentId: { } agentId, SentAt: { } sentAt } ? new LastTexterFacts
                {
                    AgentId = agentId,
                    SentAt = sentAt,
                    State = !texter.Exists || texter.Deleted ? AgentState.Deleted : texter.Active ? AgentState.Active : AgentState.Inactive,
                    Phone = texter.Phone,
                    IsMember = texter.IsMember,
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
                OrganizationId = organizationId,
                Owner = owner,
                ReportsCallEvents = reportsCallEvents,
                OrganizationMessage = organizationMessage,
                OrganizationHours = lives.OrganizationHours,
                RejectFailedVerification = lives.RejectFailedVerification,
                Language = lives.OrganizationLanguage,
                CallerBlocked = lives.CallerBlocked,
            },
        };
    }

    /// <summary>Reads a row's columns one after the other, in the order of the SELECT.</summary>
    private sealed class Columns(DbDataReader row)
    {
        private int _next;

        public string? String() => row.IsDBNull(_next) ? Skip<string>() : row.GetString(_next++);

        public long Int64() => row.GetInt64(_next++);

        public long? NullableInt64() => row.IsDBNull(_next) ? Skip<long?>() : row.GetInt64(_next++);

        public int? NullableInt32() => row.IsDBNull(_next) ? Skip<int?>() : row.GetInt32(_next++);

        public bool Boolean() => !row.IsDBNull(_next) ? row.GetBoolean(_next++) : Skip<bool>();

        public DateTime? NullableDateTime() =>
            row.IsDBNull(_next) ? Skip<DateTime?>() : DateTime.SpecifyKind(row.GetDateTime(_next++), DateTimeKind.Utc);

        public CallerMessage? Message() => CallerMessage.From(String(), String(), String(), String());

        private T? Skip<T>()
        {
            _next++;
            return default;
        }
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

    private sealed record Session(DbConnection Connection, DbCommand Command, DbParameter Number, DbParameter Caller) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
