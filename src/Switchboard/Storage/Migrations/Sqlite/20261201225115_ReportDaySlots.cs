using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
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
                type: "INTEGER",
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
