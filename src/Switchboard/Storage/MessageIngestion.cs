using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Switchboard.Storage;

/// <summary>A message event whose agent, contact and platform number have been checked and normalized.</summary>
public sealed record ValidMessage(string? ExternalId, long AgentId, string Contact, string FromNumber, long? GroupId, long? InboxId, DateTime SentAt);

public sealed record IngestionResult(int Accepted, int Duplicates);

/// <summary>
/// Stores a batch of message events and keeps the routing index (<see cref="LastText"/>) current in the same
/// transaction. Plain prepared SQL that SQLite and PostgreSQL both speak: it runs once per event, so it must be lean.
/// </summary>
public sealed class MessageIngestion(SwitchboardDb db, TimeProvider clock)
{
    private const string InsertEvent = """
        INSERT INTO "MessageEvents" ("OrganizationId", "ExternalId", "AgentId", "Contact", "FromNumber", "GroupId", "InboxId", "SentAt", "RecordedAt")
        VALUES (@org, @ext, @agent, @contact, @from, @group, @inbox, @sent, @recorded)
        ON CONFLICT DO NOTHING
        """;

    // A later text replaces the index entry; an earlier one arriving late does not (ties keep the first recorded).
    private const string UpsertLastText = """
        INSERT INTO "LastTexts" ("GroupId", "Contact", "AgentId", "FromNumber", "SentAt")
        VALUES (@group, @contact, @agent, @from, @sent)
        ON CONFLICT ("GroupId", "Contact") DO UPDATE
        SET "AgentId" = excluded."AgentId", "FromNumber" = excluded."FromNumber", "SentAt" = excluded."SentAt"
        WHERE excluded."SentAt" > "LastTexts"."SentAt"
        """;

    public async Task<IngestionResult> IngestAsync(long organizationId, IReadOnlyList<ValidMessage> messages, CancellationToken ct)
    {
        var recordedAt = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();

        await using var insert = Command(connection, dbTransaction, InsertEvent, "org", "ext", "agent", "contact", "from", "group", "inbox", "sent", "recorded");
        await using var upsert = Command(connection, dbTransaction, UpsertLastText, "group", "contact", "agent", "from", "sent");
        insert.Parameters["@org"].Value = organizationId;
        insert.Parameters["@recorded"].Value = recordedAt;

        var accepted = 0;
        foreach (var m in messages)
        {
            insert.Parameters["@ext"].Value = (object?)m.ExternalId ?? DBNull.Value;
            insert.Parameters["@agent"].Value = m.AgentId;
            insert.Parameters["@contact"].Value = m.Contact;
            insert.Parameters["@from"].Value = m.FromNumber;
            insert.Parameters["@group"].Value = (object?)m.GroupId ?? DBNull.Value;
            insert.Parameters["@inbox"].Value = (object?)m.InboxId ?? DBNull.Value;
            insert.Parameters["@sent"].Value = m.SentAt;
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                continue;
            }

            accepted++;
            if (m.GroupId is { } groupId)
            {
                upsert.Parameters["@group"].Value = groupId;
                upsert.Parameters["@contact"].Value = m.Contact;
                upsert.Parameters["@agent"].Value = m.AgentId;
                upsert.Parameters["@from"].Value = m.FromNumber;
                upsert.Parameters["@sent"].Value = m.SentAt;
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
        return new IngestionResult(accepted, messages.Count - accepted);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
