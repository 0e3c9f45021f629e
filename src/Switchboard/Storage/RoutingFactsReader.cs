using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Reads the facts for one call in a single statement of indexed point lookups (the number, its owner, the
/// organization, the routing index row for (group, caller) and that agent), however long the history.
/// Plain SQL, prepared once on each of a few connections kept open for it: on the hot path, EF's query
/// pipeline and SQLite's parsing of the statement on every call cost more than the lookups themselves.
/// A connection that fails once is closed and never reused.
/// </summary>
public sealed class RoutingFactsReader(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private const int MaxIdleSessions = 16;

    private const string Sql = """
        SELECT n."OrganizationId", n."GroupId", n."InboxId",
               i."Name", i."InboundMode", i."InboundForwardTo",
               g."Name", g."InboundMode", g."InboundForwardTo",
               o."InboundMode", o."InboundForwardTo",
               l."AgentId", l."SentAt", a."Id", a."Active", a."DeletedAt", a."Phone",
               o."CallEventsUrl"
        FROM "Numbers" AS n
        LEFT JOIN "Inboxes" AS i ON i."Id" = n."InboxId"
        LEFT JOIN "Groups" AS g ON g."Id" = n."GroupId"
        LEFT JOIN "Organizations" AS o ON o."Id" = n."OrganizationId"
        LEFT JOIN "LastTexts" AS l ON l."GroupId" = n."GroupId" AND l."Contact" = @caller
        LEFT JOIN "Agents" AS a ON a."Id" = l."AgentId"
        WHERE n."Number" = @number
        """;

    private readonly ConcurrentBag<Session> _idle = [];
    private (DbProviderFactory Factory, string ConnectionString)? _source;

    public async Task<RoutingFacts> ReadAsync(string? number, string? caller, CancellationToken ct)
    {
        if (number is null)
        {
            return new RoutingFacts { Caller = caller, Number = null };
        }

        var session = _idle.TryTake(out var idle) ? idle : await OpenAsync(ct);
        try
        {
            var facts = await ReadAsync(session, number, caller, ct);
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

    private static async Task<RoutingFacts> ReadAsync(Session session, string number, string? caller, CancellationToken ct)
    {
        session.Number.Value = number;
        session.Caller.Value = (object?)caller ?? DBNull.Value;
        await using var row = await session.Command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await row.ReadAsync(ct))
        {
            return new RoutingFacts { Caller = caller, Number = null };
        }

        OwnerFacts? owner = null;
        if (!row.IsDBNull(2) && !row.IsDBNull(3))
        {
            owner = new InboxFacts
            {
                InboxId = row.GetInt64(2),
                Name = row.GetString(3),
                Mode = Enum.Parse<InboxMode>(row.GetString(4)),
                ForwardTo = NullableString(row, 5),
            };
        }
        else if (!row.IsDBNull(1) && !row.IsDBNull(6))
        {
            owner = new GroupFacts
            {
                GroupId = row.GetInt64(1),
                Name = row.GetString(6),
                Mode = Enum.Parse<GroupMode>(row.GetString(7)),
                ForwardTo = NullableString(row, 8),
                OrganizationMode = Enum.Parse<OrganizationMode>(row.GetString(9)),
                OrganizationForwardTo = NullableString(row, 10),
                LastTexter = row.IsDBNull(11) ? null : new LastTexterFacts
                {
                    AgentId = row.GetInt64(11),
                    SentAt = DateTime.SpecifyKind(row.GetDateTime(12), DateTimeKind.Utc),
                    State = row.IsDBNull(13) || !row.IsDBNull(15) ? AgentState.Deleted : row.GetBoolean(14) ? AgentState.Active : AgentState.Inactive,
                    Phone = NullableString(row, 16),
                },
            };
        }

        return new RoutingFacts
        {
            Caller = caller,
            Number = new NumberFacts { Number = number, OrganizationId = row.GetInt64(0), Owner = owner, ReportsCallEvents = !row.IsDBNull(17) },
        };
    }

    private static string? NullableString(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

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
