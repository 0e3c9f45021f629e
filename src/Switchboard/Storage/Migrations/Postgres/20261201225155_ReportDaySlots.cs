using System.Linq;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportDaySlots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays");

            migrationBuilder.AddColumn<int>(
                name: "Slot",
                table: "CallReportDays",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays",
                columns: new[] { "OrganizationId", "Grouping", "Day", "Key", "Slot" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // A key's rows of a day become one again: counts summed, histograms (runs of pairs) joined.
            var counts = new[]
            {
                "Calls", "Offered", "Accepted", "Declined", "Missed", "Abandoned", "Forwarded", "ForwardedAfterAgent",
                "Rejected", "TalkSeconds",
            }.Select(c => $"\"{c}\"").ToList();
            var keys = "\"OrganizationId\", \"Grouping\", \"Day\", \"Key\"";
            migrationBuilder.Sql($"""
                WITH gone AS (DELETE FROM "CallReportDays" WHERE "Slot" <> 0 RETURNING *)
                INSERT INTO "CallReportDays" AS t ({keys}, "Slot", {string.Join(", ", counts)}, "AcceptTenths")
                SELECT {keys}, 0, {string.Join(", ", counts.Select(c => $"SUM({c})::bigint"))},
                       string_agg("AcceptTenths", ''::bytea)
                FROM gone
                GROUP BY {keys}
                ON CONFLICT ({keys}, "Slot") DO UPDATE SET
                    {string.Join(", ", counts.Select(c => $"{c} = t.{c} + excluded.{c}"))},
                    "AcceptTenths" = t."AcceptTenths" || excluded."AcceptTenths";
                """);
            migrationBuilder.DropPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays");

            migrationBuilder.DropColumn(
                name: "Slot",
                table: "CallReportDays");

            migrationBuilder.AddPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays",
                columns: new[] { "OrganizationId", "Grouping", "Day", "Key" });
        }
    }
}
