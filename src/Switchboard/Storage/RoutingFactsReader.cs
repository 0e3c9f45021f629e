using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// Reads the facts for one call in a single statement of indexed point lookups (the number, its owner, the
/// organization, the routing index row for (group, caller) and that agent), however long the history.
/// Plain SQL on the context's connection: on the hot path, EF's query pipeline cost more than the lookups.
/// </summary>
public sealed class RoutingFactsReader(SwitchboardDb db)
{
    private const string Sql = """
        SELECT n."OrganizationId", n."GroupId", n."InboxId",
               i."Name", i."InboundMode", i."InboundForwardTo",
               g."Name", g."InboundMode", g."InboundForwardTo",
               o."InboundMode", o."InboundForwardTo",
               l."AgentId", l."SentAt", a."Id", a."Active", a."DeletedAt", a."Phone"
        FROM "Numbers" AS n
        LEFT JOIN "Inboxes" AS i ON i."Id" = n."InboxId"
        LEFT JOIN "Groups" AS g ON g."Id" = n."GroupId"
        LEFT JOIN "Organizations" AS o ON o."Id" = g."OrganizationId"
        LEFT JOIN "LastTexts" AS l ON l."GroupId" = n."GroupId" AND l."Contact" = @caller
        LEFT JOIN "Agents" AS a ON a."Id" = l."AgentId"
        WHERE n."Number" = @number
        """;

    public async Task<RoutingFacts> ReadAsync(string? number, string? caller, CancellationToken ct)
    {
        if (number is null)
        {
            return new RoutingFacts { Caller = caller, Number = null };
        }

        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = Sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        AddParameter(command, "@number", number);
        AddParameter(command, "@caller", caller);

        await using var row = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
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
            Number = new NumberFacts { Number = number, OrganizationId = row.GetInt64(0), Owner = owner },
        };
    }

    private static string? NullableString(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private static void AddParameter(DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
