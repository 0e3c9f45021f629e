using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CallReportCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallReportCounts",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Grouping = table.Column<int>(type: "INTEGER", nullable: false),
                    Span = table.Column<int>(type: "INTEGER", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
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
                    AcceptTenths = table.Column<string>(type: "TEXT", nullable: false, defaultValue: "")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallReportCounts", x => new { x.OrganizationId, x.Grouping, x.Span, x.Period, x.Key });
                });

            // Hand-written: count the calls stored before this migration, in one INSERT … SELECT … GROUP BY (days from
            // the calls, months from the days). The text of CallReportSql.Recount on this day, frozen here so that a
            // later change of the rule or of the calls' columns leaves what this migration does as it was.
            migrationBuilder.Sql("""
                DELETE FROM "CallReportCounts";
                WITH inbound AS (
                    SELECT "OrganizationId" AS org, (CAST(strftime('%s', "StartedAt") AS INTEGER) / 86400 + 719162)
                        AS day, (CAST(strftime('%s', "StartedAt", 'start of month') AS INTEGER) / 86400 + 719162) AS
                        month, COALESCE("TeamAgentId", "AgentId", 0) AS agent,
                           COALESCE("GroupId", 0) AS grp, COALESCE("InboxId", 0) AS inbox, 1 AS calls,
                CASE WHEN "Decision" = 'ConnectAgent' OR "TeamRung" IS NOT NULL THEN 1 ELSE 0 END AS offered,
                CASE WHEN ("AgentOutcome" = 'Connected' OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected')
                    THEN 1 ELSE 0 END AS accepted,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" IN ('AgentDeclined', 'AgentHungUp')
                    THEN 1 ELSE 0 END AS declined,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" IN ('AgentNoAnswer', 'AgentBusy', 'AgentFailed',
                    'AgentNoInput') THEN 1 ELSE 0 END AS missed,
                CASE WHEN "TeamAgentId" IS NULL AND "AgentOutcome" = 'CallerHungUp' THEN 1 ELSE 0 END AS abandoned,
                CASE WHEN "Outcome" = 'Forwarded' THEN 1 ELSE 0 END AS forwarded,
                CASE WHEN "Outcome" = 'Forwarded' AND ("FallbackStartedAt" IS NOT NULL OR "Reason" IN
                    ('AgentInactive', 'AgentDeleted', 'AgentHasNoPhone', 'AgentNotInGroup')) THEN 1 ELSE 0 END AS
                    forwardedafteragent,
                CASE WHEN "Outcome" = 'Rejected' THEN 1 ELSE 0 END AS rejected,
                CASE WHEN ("AgentOutcome" = 'Connected' OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected')
                    THEN COALESCE("TalkSeconds", 0) ELSE 0 END AS talkseconds,
                           CASE WHEN ("AgentOutcome" = 'Connected'
                                   OR "TeamAgentId" IS NOT NULL AND "Outcome" = 'Connected')
                               AND COALESCE("TeamAcceptedAt", "ScreenedAt") IS NOT NULL THEN
                               (((
                                   (CAST(strftime('%s', COALESCE("TeamAcceptedAt", "ScreenedAt")) AS INTEGER) * 1000
                                   + CAST(substr(COALESCE("TeamAcceptedAt", "ScreenedAt") || '000', 21, 3) AS INTEGER))
                                   - (CAST(strftime('%s', "StartedAt") AS INTEGER) * 1000
                                   + CAST(substr("StartedAt" || '000', 21, 3) AS INTEGER)) + 50)
                                   - ((
                                   (CAST(strftime('%s', COALESCE("TeamAcceptedAt", "ScreenedAt")) AS INTEGER) * 1000
                                   + CAST(substr(COALESCE("TeamAcceptedAt", "ScreenedAt") || '000', 21, 3) AS INTEGER))
                                   - (CAST(strftime('%s', "StartedAt") AS INTEGER) * 1000
                                   + CAST(substr("StartedAt" || '000', 21, 3) AS INTEGER)) + 50)
                                   % 100 + 100) % 100) / 100) END AS tenths
                    FROM "Calls"
                    WHERE "Direction" = 'Inbound' AND "OrganizationId" IS NOT NULL
                ),
                keyed AS (SELECT org, 0 AS g, day, month, agent AS k, calls, offered, accepted, declined, missed,
                    abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound
                UNION ALL SELECT org, 1 AS g, day, month, grp AS k, calls, offered, accepted, declined, missed,
                    abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound
                UNION ALL SELECT org, 2 AS g, day, month, inbox AS k, calls, offered, accepted, declined, missed,
                    abandoned, forwarded, forwardedafteragent, rejected, talkseconds, tenths FROM inbound),
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
                counted AS (
                    SELECT org, g, 0 AS s, day AS p, k, calls, offered, accepted, declined, missed, abandoned,
                        forwarded, forwardedafteragent, rejected, talkseconds FROM days
                    UNION ALL SELECT org, g, 1 AS s, month AS p, k, SUM(calls) AS calls,
                SUM(offered) AS offered,
                SUM(accepted) AS accepted,
                SUM(declined) AS declined,
                SUM(missed) AS missed,
                SUM(abandoned) AS abandoned,
                SUM(forwarded) AS forwarded,
                SUM(forwardedafteragent) AS forwardedafteragent,
                SUM(rejected) AS rejected,
                SUM(talkseconds) AS talkseconds FROM days GROUP BY org, g, month, k
                ),
                counted_tenths AS (
                    SELECT org, g, 0 AS s, day AS p, k, tenths, n FROM day_tenths
                    UNION ALL SELECT org, g, 1 AS s, month AS p, k, tenths, SUM(n) AS n FROM day_tenths
                    GROUP BY org, g, month, k, tenths
                ),
                histograms AS (
                    SELECT org, g, s, p, k, group_concat(CAST(tenths AS TEXT) || ':' || CAST(n AS TEXT), ',') AS h
                    FROM counted_tenths GROUP BY org, g, s, p, k
                )
                INSERT INTO "CallReportCounts" ("OrganizationId", "Grouping", "Span", "Period", "Key", "Calls",
                    "Offered", "Accepted", "Declined", "Missed", "Abandoned", "Forwarded", "ForwardedAfterAgent",
                    "Rejected", "TalkSeconds", "AcceptTenths")
                SELECT c.org, c.g, c.s, c.p, c.k, c.calls, c.offered, c.accepted, c.declined, c.missed, c.abandoned,
                    c.forwarded, c.forwardedafteragent, c.rejected, c.talkseconds, COALESCE(h.h, '')
                FROM counted c
                LEFT JOIN histograms h ON h.org = c.org AND h.g = c.g AND h.s = c.s AND h.p = c.p AND h.k = c.k;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallReportCounts");
        }
    }
}
