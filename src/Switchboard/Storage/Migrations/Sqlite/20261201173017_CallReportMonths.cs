using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CallReportMonths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallReportCounts");

            migrationBuilder.CreateTable(
                name: "CallReportDays",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Grouping = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false),
                    Offered = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Declined = table.Column<long>(type: "INTEGER", nullable: false),
                    Missed = table.Column<long>(type: "INTEGER", nullable: false),
                    Abandoned = table.Column<long>(type: "INTEGER", nullable: false),
                    Forwarded = table.Column<long>(type: "INTEGER", nullable: false),
                    ForwardedAfterAgent = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    TalkSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptTenths = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallReportDays", x => new { x.OrganizationId, x.Grouping, x.Day, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "CallReportMonths",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Grouping = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false),
                    Offered = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Declined = table.Column<long>(type: "INTEGER", nullable: false),
                    Missed = table.Column<long>(type: "INTEGER", nullable: false),
                    Abandoned = table.Column<long>(type: "INTEGER", nullable: false),
                    Forwarded = table.Column<long>(type: "INTEGER", nullable: false),
                    ForwardedAfterAgent = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    TalkSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptTenths = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Days = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallReportMonths", x => new { x.OrganizationId, x.Grouping, x.Month, x.Key });
                });

            // Hand-written: count the calls stored before this migration into the new rows, in one
            // INSERT … SELECT … GROUP BY (the text of CallReportSql.Recount on this day, frozen here so that a later
            // change of the rule or of the calls' columns leaves what this migration does as it was). The old
            // per-day rows are dropped above, not converted: their histograms were text. It comes last, not at the top
            // of Up(): it fills the table made above. CallReportDays starts empty (changes after this migration).
            migrationBuilder.Sql("""
                DELETE FROM "CallReportMonths";
                WITH inbound AS (
                    SELECT "OrganizationId" AS org, (CAST(strftime('%s', "StartedAt") AS INTEGER) / 86400 + 719162) AS day, (CAST(strftime('%s', "StartedAt", 'start of month') AS INTEGER) / 86400 + 719162) AS month,
                           COALESCE("TeamAgentId", "AgentId", 0) AS agent,
                           COALESCE("GroupId", 0) AS grp, COALESCE("InboxId", 0) AS inbox, 1 AS calls,
                CASE WHEN "Decision" = 'ConnectAgent' OR "TeamRung" IS NOT NULL THEN 1 ELSE 0 END AS offered,
                CASE WHEN ("AgentOutcome" = 'Connected' OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected') THEN 1 ELSE 0 END AS accepted,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" IN ('AgentDeclined', 'AgentHungUp') THEN 1 ELSE 0 END AS declined,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" IN ('AgentNoAnswer', 'AgentBusy', 'AgentFailed', 'AgentNoInput') THEN 1 ELSE 0 END AS missed,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" = 'CallerHungUp' THEN 1 ELSE 0 END AS abandoned,
                CASE WHEN "Outcome" = 'Forwarded' THEN 1 ELSE 0 END AS forwarded,
                CASE WHEN "Outcome" = 'Forwarded' AND ("FallbackStartedAt" IS NOT NULL OR "Reason" IN ('AgentInactive', 'AgentDeleted', 'AgentHasNoPhone', 'AgentNotInGroup')) THEN 1 ELSE 0 END AS forwardedafteragent,
                CASE WHEN "Outcome" = 'Rejected' THEN 1 ELSE 0 END AS rejected,
                CASE WHEN ("AgentOutcome" = 'Connected' OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected') THEN COALESCE("TalkSeconds", 0) ELSE 0 END AS talkseconds,
                           CASE WHEN ("AgentOutcome" = 'Connected' OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected') AND COALESCE("TeamAcceptedAt", "ScreenedAt") IS NOT NULL THEN ((((CAST(strftime('%s', COALESCE("TeamAcceptedAt", "ScreenedAt")) AS INTEGER) * 1000 + CAST(substr(COALESCE("TeamAcceptedAt", "ScreenedAt") || '000', 21, 3) AS INTEGER)) - (CAST(strftime('%s', "StartedAt") AS INTEGER) * 1000 + CAST(substr("StartedAt" || '000', 21, 3) AS INTEGER)) + 50) - (((CAST(strftime('%s', COALESCE("TeamAcceptedAt", "ScreenedAt")) AS INTEGER) * 1000 + CAST(substr(COALESCE("TeamAcceptedAt", "ScreenedAt") || '000', 21, 3) AS INTEGER)) - (CAST(strftime('%s', "StartedAt") AS INTEGER) * 1000 + CAST(substr("StartedAt" || '000', 21, 3) AS INTEGER)) + 50) % 100 + 100) % 100) / 100) END AS tenths
                    FROM "Calls"
                    WHERE "Direction" = 'Inbound' AND "OrganizationId" IS NOT NULL
                ),
                keyed AS (SELECT org, 0 AS g, day, month, agent AS k, calls, offered, accepted, declined, missed, abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound
                UNION ALL SELECT org, 1 AS g, day, month, grp AS k, calls, offered, accepted, declined, missed, abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound
                UNION ALL SELECT org, 2 AS g, day, month, inbox AS k, calls, offered, accepted, declined, missed, abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound),
                days AS (SELECT org, g, day, month, k, SUM(calls) AS calls,
                SUM(offered) AS offered,
                SUM(accepted) AS accepted,
                SUM(declined) AS declined,
                SUM(missed) AS missed,
                SUM(abandoned) AS abandoned,
                SUM(forwarded) AS forwarded,
                SUM(forwardedafteragent) AS forwardedafteragent,
                SUM(rejected) AS rejected,
                SUM(talkseconds) AS talkseconds FROM keyed GROUP BY org, g, day, month, k),
                day_tenths AS (
                    SELECT org, g, day, month, k, tenths, COUNT(*) AS n FROM keyed WHERE tenths IS NOT NULL
                    GROUP BY org, g, day, month, k, tenths
                ),
                day_histograms AS (
                    SELECT org, g, day, k, COUNT(*) AS pairs, group_concat(printf('%08X%08X', (tenths) & 4294967295, (n) & 4294967295), '') AS h
                    FROM day_tenths GROUP BY org, g, day, k
                ),
                month_tenths AS (
                    SELECT org, g, month, k, tenths, SUM(n) AS n FROM day_tenths GROUP BY org, g, month, k, tenths
                ),
                month_histograms AS (
                    SELECT org, g, month, k, group_concat(printf('%08X%08X', (tenths) & 4294967295, (n) & 4294967295), '') AS h
                    FROM month_tenths GROUP BY org, g, month, k
                ),
                day_entries AS (
                    SELECT d.org, d.g, d.month, d.k, d.calls, d.offered, d.accepted, d.declined, d.missed, d.abandoned, d.forwarded, d.forwardedafteragent, d.rejected, d.talkseconds,
                           printf('%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X', (d.day - d.month + 1) & 4294967295, (d.calls) & 4294967295, (d.offered) & 4294967295, (d.accepted) & 4294967295, (d.declined) & 4294967295, (d.missed) & 4294967295, (d.abandoned) & 4294967295, (d.forwarded) & 4294967295, (d.forwardedafteragent) & 4294967295, (d.rejected) & 4294967295, (d.talkseconds) & 4294967295, (COALESCE(h.pairs, 0)) & 4294967295) || COALESCE(h.h, '') AS e
                    FROM days d
                    LEFT JOIN day_histograms h ON h.org = d.org AND h.g = d.g AND h.day = d.day AND h.k = d.k
                ),
                months AS (
                    SELECT org, g, month, k, SUM(calls) AS calls,
                SUM(offered) AS offered,
                SUM(accepted) AS accepted,
                SUM(declined) AS declined,
                SUM(missed) AS missed,
                SUM(abandoned) AS abandoned,
                SUM(forwarded) AS forwarded,
                SUM(forwardedafteragent) AS forwardedafteragent,
                SUM(rejected) AS rejected,
                SUM(talkseconds) AS talkseconds, group_concat(e, '') AS days FROM day_entries GROUP BY org, g, month, k
                )
                INSERT INTO "CallReportMonths" ("OrganizationId", "Grouping", "Month", "Key", "Calls", "Offered", "Accepted", "Declined", "Missed", "Abandoned", "Forwarded", "ForwardedAfterAgent", "Rejected", "TalkSeconds",
                    "AcceptTenths", "Days")
                SELECT m.org, m.g, m.month, m.k, m.calls, m.offered, m.accepted, m.declined, m.missed, m.abandoned, m.forwarded, m.forwardedafteragent, m.rejected, m.talkseconds,
                    unhex(COALESCE(h.h, '')), unhex(m.days)
                FROM months m
                LEFT JOIN month_histograms h ON h.org = m.org AND h.g = m.g AND h.month = m.month AND h.k = m.k;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallReportDays");

            migrationBuilder.DropTable(
                name: "CallReportMonths");

            migrationBuilder.CreateTable(
                name: "CallReportCounts",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Grouping = table.Column<int>(type: "INTEGER", nullable: false),
                    Span = table.Column<int>(type: "INTEGER", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<long>(type: "INTEGER", nullable: false),
                    Abandoned = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptTenths = table.Column<string>(type: "TEXT", nullable: false, defaultValue: ""),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false),
                    Declined = table.Column<long>(type: "INTEGER", nullable: false),
                    Forwarded = table.Column<long>(type: "INTEGER", nullable: false),
                    ForwardedAfterAgent = table.Column<long>(type: "INTEGER", nullable: false),
                    Missed = table.Column<long>(type: "INTEGER", nullable: false),
                    Offered = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    TalkSeconds = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallReportCounts", x => new { x.OrganizationId, x.Grouping, x.Span, x.Period, x.Key });
                });
        }
    }
}
