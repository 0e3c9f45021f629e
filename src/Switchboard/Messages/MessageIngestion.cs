using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Observability;
using Switchboard.Storage;

namespace Switchboard.Messages;

/// <summary>A message event whose agent, contact and platform number have been checked and normalized.</summary>
public sealed record ValidMessage(
    string? ExternalId,
    long AgentId,
    string Contact,
    string FromNumber,
    long? GroupId,
    long? InboxId,
    DateTime SentAt)
{
    public string? ContactName { get; init; }
}

public sealed record IngestionResult(int Accepted, int Duplicates);

/// <summary>
/// Stores a batch of message events and keeps the routing index (<see cref="LastText"/>) current in the same
/// transaction. Each step is one statement over the whole batch, sent as one JSON array parameter: a
/// statement per event spent more time binding parameters (SQLite) or on round trips (PostgreSQL) than
/// storing rows.
/// </summary>
public sealed class MessageIngestion(SwitchboardDb db, WriteGate gate, SwitchboardMetrics metrics, TimeProvider clock)
{
    private static readonly Dialect Sqlite = new(
        Events: "json_each(@rows) AS r",
        Field: (i, _) => $"r.value ->> {i}",
        FormatTime: t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        // SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT to parse it unambiguously.
        Where: "WHERE true");

    private static readonly Dialect Postgres = new(
        Events: "jsonb_array_elements(@rows::jsonb) WITH ORDINALITY AS r(value, n)",
        Field: (i, type) => $"(r.value ->> {i})::{type}",
        FormatTime: t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        Where: "ORDER BY r.n");

    /// <remarks>
    /// Rows go in one fixed order (events by id, then index rows by group and contact), so that concurrent
    /// batches on several instances take row locks in the same order and cannot deadlock.
    /// </remarks>
    public async Task<IngestionResult> IngestAsync(
        long organizationId,
        IReadOnlyList<ValidMessage> messages,
        CancellationToken ct)
    {
        var dialect = db.Database.IsNpgsql() ? Postgres : Sqlite;
        var recordedAt = clock.GetUtcNow().UtcDateTime;
        await using var writer = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();

        var stored = 0;
        var groupTexts = new List<GroupText>(messages.Count);
        var events = Rows(messages.OrderBy(m => m.ExternalId, StringComparer.Ordinal), (json, m) =>
        {
            json.WriteStringValue(m.ExternalId);
            json.WriteNumberValue(m.AgentId);
            json.WriteStringValue(m.Contact);
            json.WriteStringValue(m.FromNumber);
            WriteNullable(json, m.GroupId);
            WriteNullable(json, m.InboxId);
            json.WriteStringValue(dialect.FormatTime(m.SentAt));
            json.WriteStringValue(m.ContactName);
        });
        await using (var insert = Command(connection, dbTransaction, InsertEvents(dialect), events))
        {
            AddParameter(insert, "@org", organizationId);
            AddParameter(insert, "@recorded", recordedAt);
            await using var inserted = await insert.ExecuteReaderAsync(ct);
            while (await inserted.ReadAsync(ct))
            {
                stored++;
                if (!inserted.IsDBNull(0))
                {
                    groupTexts.Add(new GroupText(
                        inserted.GetInt64(0),
                        inserted.GetString(1),
                        inserted.GetInt64(2),
                        inserted.GetString(3),
                        DateTime.SpecifyKind(inserted.GetDateTime(4), DateTimeKind.Utc),
                        inserted.IsDBNull(5) ? null : inserted.GetString(5)));
                }
            }
        }

        // Only the latest new text per (group, contact) can move the index.
        var latest = groupTexts
            .GroupBy(m => (m.GroupId, m.Contact))
            .Select(g => g.MaxBy(m => m.SentAt)!)
            .OrderBy(m => m.GroupId).ThenBy(m => m.Contact, StringComparer.Ordinal)
            .ToList();
        if (latest.Count > 0)
        {
            var texts = Rows(latest, (json, m) =>
            {
                json.WriteNumberValue(m.GroupId);
                json.WriteStringValue(m.Contact);
                json.WriteNumberValue(m.AgentId);
                json.WriteStringValue(m.FromNumber);
                json.WriteStringValue(dialect.FormatTime(m.SentAt));
                json.WriteStringValue(m.ContactName);
            });
            await using var upsert = Command(connection, dbTransaction, UpsertLastTexts(dialect), texts);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        metrics.MessagesIngested(stored, messages.Count - stored);
        return new IngestionResult(stored, messages.Count - stored);
    }

    private static string InsertEvents(Dialect d) => $"""
        INSERT INTO "MessageEvents" ("OrganizationId", "ExternalId", "AgentId", "Contact", "FromNumber", "GroupId",
                                     "InboxId", "SentAt", "ContactName", "RecordedAt")
        SELECT @org, {d.Field(0, "text")}, {d.Field(1, "bigint")}, {d.Field(2, "text")}, {d.Field(3, "text")},
               {d.Field(4, "bigint")}, {d.Field(5, "bigint")}, {d.Field(6, "timestamptz")}, {d.Field(7, "text")},
               @recorded
        FROM {d.Events}
        {d.Where}
        ON CONFLICT DO NOTHING
        RETURNING "GroupId", "Contact", "AgentId", "FromNumber", "SentAt", "ContactName"
        """;

    // A later text replaces the index entry; an earlier one arriving late does not (ties keep the first recorded).
    // The contact's name stays when the later text carries none.
    private static string UpsertLastTexts(Dialect d) => $"""
        INSERT INTO "LastTexts" ("GroupId", "Contact", "AgentId", "FromNumber", "SentAt", "ContactName")
        SELECT {d.Field(0, "bigint")}, {d.Field(1, "text")}, {d.Field(2, "bigint")}, {d.Field(3, "text")},
               {d.Field(4, "timestamptz")}, {d.Field(5, "text")}
        FROM {d.Events}
        {d.Where}
        ON CONFLICT ("GroupId", "Contact") DO UPDATE
        SET "AgentId" = excluded."AgentId", "FromNumber" = excluded."FromNumber", "SentAt" = excluded."SentAt",
            "ContactName" = COALESCE(excluded."ContactName", "LastTexts"."ContactName")
        WHERE excluded."SentAt" > "LastTexts"."SentAt"
        """;

    /// <summary>The rows as one JSON array of arrays, fields in the order the statements read them.</summary>
    private static string Rows<T>(IEnumerable<T> messages, Action<Utf8JsonWriter, T> row)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var m in messages)
            {
                json.WriteStartArray();
                row(json, m);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNullable(Utf8JsonWriter json, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumberValue(v);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, string rows)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        AddParameter(command, "@rows", rows);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A newly stored text from a group: what the routing index may take from it.</summary>
    private sealed record GroupText(
        long GroupId,
        string Contact,
        long AgentId,
        string FromNumber,
        DateTime SentAt,
        string? ContactName);

    private sealed record Dialect(
        string Events,
        Func<int, string, string> Field,
        Func<DateTime, string> FormatTime,
        string Where);
}
