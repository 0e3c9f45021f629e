using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportDayChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays");

            migrationBuilder.AddColumn<long>(
                name: "Id",
                table: "CallReportDays",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_CallReportDays_OrganizationId_Grouping_Day",
                table: "CallReportDays",
                columns: new[] { "OrganizationId", "Grouping", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays");

            migrationBuilder.DropIndex(
                name: "IX_CallReportDays_OrganizationId_Grouping_Day",
                table: "CallReportDays");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "CallReportDays");

            migrationBuilder.AddPrimaryKey(
                name: "PK_CallReportDays",
                table: "CallReportDays",
                columns: new[] { "OrganizationId", "Grouping", "Day", "Key" });
        }
    }
}
