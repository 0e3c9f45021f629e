namespace Switchboard.Storage;

/// <summary>
/// The back-fill of <see cref="ContactText"/> by the ContactTexts migrations, from the texts and from the LastTexts
/// table it replaced; the same SQL on SQLite and PostgreSQL. Kept here so that a test runs what the migrations ran.
/// Each inserts in key order, so that the table is written front to back. Do not change it: migrations run it.
/// </summary>
public static class ContactTextsBackfill
{
    private const string Columns = """
        INSERT INTO "ContactTexts" ("OrganizationId", "Contact", "Kind", "OwnerId", "AgentId", "FromNumber",
                                    "GroupId", "InboxId", "SentAt", "ContactName")
        """;

    /// <summary>A row per stored text.</summary>
    public const string Texts = Columns + """

        SELECT "OrganizationId", "Contact", 2, "Id", "AgentId", NULL, "GroupId", "InboxId", "SentAt", NULL
        FROM "MessageEvents"
        ORDER BY "OrganizationId", "Contact", "Id";
        """;

    /// <summary>Each group's latest text to a contact, with the contact's name: LastTexts' rows as they were.</summary>
    public const string GroupsFromLastTexts = Columns + """

        SELECT g."OrganizationId", l."Contact", 0, l."GroupId", l."AgentId", l."FromNumber", l."GroupId", NULL,
               l."SentAt", l."ContactName"
        FROM "LastTexts" AS l
        JOIN "Groups" AS g ON g."Id" = l."GroupId"
        ORDER BY g."OrganizationId", l."Contact", l."GroupId";
        """;

    /// <summary>
    /// Each agent's latest text to a contact from any group or inbox (ties: the first recorded), as calls out found
    /// it through the (AgentId, Contact, SentAt) index this replaces.
    /// </summary>
    public const string Agents = Columns + """

        SELECT "OrganizationId", "Contact", 1, "AgentId", "AgentId", "FromNumber", "GroupId", "InboxId", "SentAt", NULL
        FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY "OrganizationId", "AgentId", "Contact"
                                             ORDER BY "SentAt" DESC, "Id") AS "Latest"
              FROM "MessageEvents" AS m) AS t
        WHERE "Latest" = 1
        ORDER BY "OrganizationId", "Contact", "AgentId";
        """;
}
