using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportMonthTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written, SQLite only: every column a report reads of a whole month, in the order of the key, so that
            // a year per agent reads this index alone (about 100 bytes a row) instead of the month rows with their
            // days (1–2 KB each, ~15× the pages). PostgreSQL reads its rows from shared buffers and limits an index
            // entry to ~2.7 KB, which a month's histogram may pass. Not in the EF model: a later migration that
            // rebuilds CallReportMonths on SQLite must create it again (CallReportCountsTests checks the plan).
            migrationBuilder.Sql("""
                CREATE INDEX "IX_CallReportMonths_Totals" ON "CallReportMonths" (
                    "OrganizationId", "Grouping", "Month", "Key", "Calls", "Offered", "Accepted", "Declined", "Missed",
                    "Abandoned", "Forwarded", "ForwardedAfterAgent", "Rejected", "TalkSeconds", "AcceptTenths");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_CallReportMonths_Totals";""");
        }
    }
}
