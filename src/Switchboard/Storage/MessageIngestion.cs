using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Switchboard.Storage;

/// <summary>A message event whose agent, contact and platform number have been checked and normalized.</summary>
public sealed record ValidMessage(string? ExternalId, long AgentId, string Contact, string FromNumber, long? GroupId, long? InboxId, DateTime SentAt);

public sealed record IngestionResult(int Accepted, int Duplicates);

/// <summary>
/// Stores a batch of message events and keeps the routing index (<see cref="LastText"/>) current in the same
/// transaction. Plain prepared SQL that SQLite and PostgreSQL both speak.
/// </summary>
public sealed class MessageIngestion(SwitchboardDb db, WriteGate gate, TimeProvider clock)
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

    /// <remarks>
    /// Two passes, each in one fixed order (events by id, then index rows by group and contact), so that
    /// concurrent batches on several instances take row locks in the same order and cannot deadlock.
    /// </remarks>
    public async Task<IngestionResult> IngestAsync(long organizationId, IReadOnlyList<ValidMessage> messages, CancellationToken ct)
    {
        var recordedAt = clock.GetUtcNow().UtcDateTime;
        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();

        var stored = new List<ValidMessage>(messages.Count);
        await using (var insert = Command(connection, dbTransaction, InsertEvent, "org", "ext", "agent", "contact", "from", "group", "inbox", "sent", "recorded"))
        {
            insert.Parameters["@org"].Value = organizationId;
            insert.Parameters["@recorded"].Value = recordedAt;
            foreach (var m in messages.OrderBy(m => m.ExternalId, StringComparer.Ordinal))
            {
                insert.Parameters["@ext"].Value = (object?)m.ExternalId ?? DBNull.Value;
                insert.Parameters["@agent"].Value = m.AgentId;
                insert.Parameters["@contact"].Value = m.Contact;
                insert.Parameters["@from"].Value = m.FromNumber;
                insert.Parameters["@group"].Value = (object?)m.GroupId ?? DBNull.Value;
                insert.Parameters["@inbox"].Value = (object?)m.InboxId ?? DBNull.Value;
                insert.Parameters["@sent"].Value = m.SentAt;
                if (await insert.ExecuteNonQueryAsync(ct) > 0)
                {
                    stored.Add(m);
                }
            }
        }

        // Only the latest new text per (group, contact) can move the index.
        var latest = stored
            .Where(m => m.GroupId is not null)
            .GroupBy(m => (GroupId: m.GroupId!.Value, m.Contact))
            .Select(g => g.MaxBy(m => m.SentAt)!)
            .OrderBy(m => m.GroupId).ThenBy(m => m.Contact, StringComparer.Ordinal);
        await using (var upsert = Command(connection, dbTransaction, UpsertLastText, "group", "contact", "agent", "from", "sent"))
        {
            foreach (var m in latest)
            {
                upsert.Parameters["@group"].Value = m.GroupId!.Value;
                upsert.Parameters["@contact"].Value = m.Contact;
                upsert.Parameters["@agent"].Value = m.AgentId;
                upsert.Parameters["@from"].Value = m.FromNumber;
                upsert.Parameters["@sent"].Value = m.SentAt;
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
        return new IngestionResult(stored.Count, messages.Count - stored.Count);
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
