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
/// Stores a batch of message events and keeps <see cref="ContactText"/> current in the same transaction: a row per
/// stored text, and the latest text per (contact, group) for routing and per (contact, agent) for calls out. Each
/// step is one statement over many rows, sent as one JSON array parameter: a statement per event spent more time
/// binding parameters (SQLite) or on round trips (PostgreSQL) than storing rows.
/// </summary>
public sealed class MessageIngestion(SwitchboardDb db, WriteGate gate, SwitchboardMetrics metrics, TimeProvider clock)
{
    private static readonly Dialect Sqlite = new(
        Events: "jsonb_each(@rows) AS r",
        Field: (i, _) => $"r.value ->> {i}",
        FormatTime: t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        // SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT to parse it unambiguously.
        Where: "WHERE true");

    private static readonly Dialect Postgres = new(
        Events: "jsonb_array_elements(@rows::jsonb) WITH ORDINALITY AS r(value, n)",
        Field: (i, type) => $"(r.value ->> {i})::{type}",
        FormatTime: t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        Where: "ORDER BY r.n");

    /// <summary>
    /// At most this many <see cref="ContactText"/> rows per statement (about 1,000 contacts, as the rows go in key
    /// order): a SQLite statement's journal, kept in memory (see <see cref="SqliteJournalInMemoryAsync"/>), holds the
    /// pages it changes, one or two per contact; with a whole batch in one statement (~40 MB at 10M stored texts) the
    /// peak RSS doubled, most likely memory the C allocator kept for each thread that had written a batch.
    /// </summary>
    private const int ContactRowsPerStatement = 3_000;

    /// <remarks>
    /// Rows go in one fixed order (events by external id, then contact rows by their key), so that concurrent
    /// batches on several instances take row locks in the same order and cannot deadlock.
    /// </remarks>
    public async Task<IngestionResult> IngestAsync(
        long organizationId,
        IReadOnlyList<ValidMessage> messages,
        CancellationToken ct)
    {
        await using var writer = await gate.EnterAsync(ct);
        if (db.Database.IsNpgsql())
        {
            return await StoreAsync(organizationId, messages, Postgres, ct);
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await SqliteJournalInMemoryAsync(true, ct);
            return await StoreAsync(organizationId, messages, Sqlite, ct);
        }
        finally
        {
            await SqliteJournalInMemoryAsync(false, CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A SQLite statement that writes many rows keeps the pages it changes in a journal of its own, so that it can be
    /// undone alone; past 64 kB that journal spills into a temporary file, and a batch's two statements wrote as
    /// many bytes there as into the write-ahead log. With <c>temp_store=MEMORY</c> it stays in memory (a few MB per
    /// statement: <see cref="ContactRowsPerStatement"/>). Set for the batch only: on every connection it would also
    /// hold a migration's large temporary tables in memory. SQLite reads the setting when a write transaction begins.
    /// </summary>
    private Task SqliteJournalInMemoryAsync(bool inMemory, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(inMemory ? "PRAGMA temp_store=MEMORY;" : "PRAGMA temp_store=DEFAULT;", ct);

    private async Task<IngestionResult> StoreAsync(
        long organizationId,
        IReadOnlyList<ValidMessage> messages,
        Dialect dialect,
        CancellationToken ct)
    {
        var recordedAt = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();

        var stored = new List<StoredText>(messages.Count);
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
            insert.AddParameter("@org", organizationId);
            insert.AddParameter("@recorded", recordedAt);
            await using var inserted = await insert.ExecuteReaderAsync(ct);
            while (await inserted.ReadAsync(ct))
            {
                stored.Add(new StoredText(
                    inserted.GetInt64(0),
                    inserted.GetString(1),
                    inserted.GetInt64(2),
                    inserted.GetString(3),
                    inserted.IsDBNull(4) ? null : inserted.GetInt64(4),
                    inserted.IsDBNull(5) ? null : inserted.GetInt64(5),
                    DateTime.SpecifyKind(inserted.GetDateTime(6), DateTimeKind.Utc),
                    inserted.IsDBNull(7) ? null : inserted.GetString(7)));
            }
        }

        foreach (var rows in ContactRows(stored).Chunk(ContactRowsPerStatement))
        {
            await using var upsert = Command(
                connection,
                dbTransaction,
                UpsertContactTexts(dialect),
                Rows(rows, (json, r) => WriteContactRow(json, r, dialect)));
            upsert.AddParameter("@org", organizationId);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        metrics.MessagesIngested(stored.Count, messages.Count - stored.Count);
        return new IngestionResult(stored.Count, messages.Count - stored.Count);
    }

    /// <summary>
    /// A row per stored text, and the latest per (contact, group) and per (contact, agent): only those can move the
    /// stored ones (ties: the first recorded, as the statement keeps the stored row on equal times). In key order.
    /// </summary>
    private static IEnumerable<ContactRow> ContactRows(List<StoredText> stored)
    {
        var texts = stored.Select(t => new ContactRow(ContactTextKind.Text, t.Id, t) { WithoutLine = true });
        var groups = stored.Where(t => t.GroupId is not null)
            .GroupBy(t => (t.Contact, GroupId: t.GroupId!.Value))
            .Select(g => new ContactRow(ContactTextKind.Group, g.Key.GroupId, g.MaxBy(t => t.SentAt)!));
        var agents = stored.GroupBy(t => (t.Contact, t.AgentId))
            .Select(g => new ContactRow(ContactTextKind.Agent, g.Key.AgentId, g.MaxBy(t => t.SentAt)!)
            {
                WithoutName = true,
            });
        return texts.Concat(groups).Concat(agents)
            .OrderBy(r => r.Text.Contact, StringComparer.Ordinal).ThenBy(r => r.Kind).ThenBy(r => r.OwnerId);
    }

    private static void WriteContactRow(Utf8JsonWriter json, ContactRow row, Dialect dialect)
    {
        var t = row.Text;
        json.WriteStringValue(t.Contact);
        json.WriteNumberValue((int)row.Kind);
        json.WriteNumberValue(row.OwnerId);
        json.WriteNumberValue(t.AgentId);
        json.WriteStringValue(row.WithoutLine ? null : t.FromNumber);
        WriteNullable(json, t.GroupId);
        WriteNullable(json, t.InboxId);
        json.WriteStringValue(dialect.FormatTime(t.SentAt));
        json.WriteStringValue(row.WithoutName || row.WithoutLine ? null : t.ContactName);
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
        RETURNING "Id", "Contact", "AgentId", "FromNumber", "GroupId", "InboxId", "SentAt", "ContactName"
        """;

    // A later text replaces a latest-text row; an earlier one arriving late does not (ties keep the first recorded).
    // The contact's name stays when the later text carries none. Rows of single texts never meet a conflict.
    private static string UpsertContactTexts(Dialect d) => $"""
        INSERT INTO "ContactTexts" ("OrganizationId", "Contact", "Kind", "OwnerId", "AgentId", "FromNumber",
                                    "GroupId", "InboxId", "SentAt", "ContactName")
        SELECT @org, {d.Field(0, "text")}, {d.Field(1, "integer")}, {d.Field(2, "bigint")}, {d.Field(3, "bigint")},
               {d.Field(4, "text")}, {d.Field(5, "bigint")}, {d.Field(6, "bigint")}, {d.Field(7, "timestamptz")},
               {d.Field(8, "text")}
        FROM {d.Events}
        {d.Where}
        ON CONFLICT ("OrganizationId", "Contact", "Kind", "OwnerId") DO UPDATE
        SET "AgentId" = excluded."AgentId", "FromNumber" = excluded."FromNumber", "GroupId" = excluded."GroupId",
            "InboxId" = excluded."InboxId", "SentAt" = excluded."SentAt",
            "ContactName" = COALESCE(excluded."ContactName", "ContactTexts"."ContactName")
        WHERE excluded."SentAt" > "ContactTexts"."SentAt"
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
        command.AddParameter("@rows", rows);
        return command;
    }

    /// <summary>A newly stored text, as the insert returned it.</summary>
    private sealed record StoredText(
        long Id,
        string Contact,
        long AgentId,
        string FromNumber,
        long? GroupId,
        long? InboxId,
        DateTime SentAt,
        string? ContactName);

    /// <summary>One row for ContactTexts, taken from a stored text.</summary>
    private sealed record ContactRow(ContactTextKind Kind, long OwnerId, StoredText Text)
    {
        public bool WithoutLine { get; init; }
        public bool WithoutName { get; init; }
    }

    private sealed record Dialect(
        string Events,
        Func<int, string, string> Field,
        Func<DateTime, string> FormatTime,
        string Where);
}
