using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Privacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DataRetentionDays",
                table: "Organizations",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_MessageEvents_OrganizationId_Contact",
                table: "MessageEvents",
                columns: new[] { "OrganizationId", "Contact" });

            migrationBuilder.CreateIndex(
                name: "IX_MessageEvents_OrganizationId_SentAt",
                table: "MessageEvents",
                columns: new[] { "OrganizationId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Calls_OrganizationId_Contact",
                table: "Calls",
                columns: new[] { "OrganizationId", "Contact" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MessageEvents_OrganizationId_Contact",
                table: "MessageEvents");

            migrationBuilder.DropIndex(
                name: "IX_MessageEvents_OrganizationId_SentAt",
                table: "MessageEvents");

            migrationBuilder.DropIndex(
                name: "IX_Calls_OrganizationId_Contact",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "DataRetentionDays",
                table: "Organizations");
        }
    }
}
