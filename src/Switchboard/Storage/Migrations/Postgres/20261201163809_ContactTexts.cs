using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContactTexts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: ContactTexts is created first (EF Core placed it after the drops), so that the back-fill
            // below can fill it before LastTexts is dropped.
            migrationBuilder.CreateTable(
                name: "ContactTexts",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Contact = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    OwnerId = table.Column<long>(type: "bigint", nullable: false),
                    AgentId = table.Column<long>(type: "bigint", nullable: false),
                    FromNumber = table.Column<string>(type: "text", nullable: true),
                    GroupId = table.Column<long>(type: "bigint", nullable: true),
                    InboxId = table.Column<long>(type: "bigint", nullable: true),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ContactName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ContactTexts", x => new { x.OrganizationId, x.Contact, x.Kind, x.OwnerId });
                });

            // Hand-written: back-fill ContactTexts from what it replaces, before that is dropped (the SQL is in
            // Storage/ContactTextsBackfill.cs, where a test runs it too).
            migrationBuilder.Sql(ContactTextsBackfill.Texts);
            migrationBuilder.Sql(ContactTextsBackfill.GroupsFromLastTexts);
            migrationBuilder.Sql(ContactTextsBackfill.Agents);

            migrationBuilder.DropTable(
                name: "LastTexts");

            migrationBuilder.DropIndex(
                name: "IX_MessageEvents_AgentId_Contact_SentAt",
                table: "MessageEvents");

            migrationBuilder.DropIndex(
                name: "IX_MessageEvents_OrganizationId_Contact",
                table: "MessageEvents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ContactTexts");

            migrationBuilder.CreateTable(
                name: "LastTexts",
                columns: table => new
                {
                    GroupId = table.Column<long>(type: "bigint", nullable: false),
                    Contact = table.Column<string>(type: "text", nullable: false),
                    AgentId = table.Column<long>(type: "bigint", nullable: false),
                    ContactName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FromNumber = table.Column<string>(type: "text", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LastTexts", x => new { x.GroupId, x.Contact });
                });

            migrationBuilder.CreateIndex(
                name: "IX_MessageEvents_AgentId_Contact_SentAt",
                table: "MessageEvents",
                columns: new[] { "AgentId", "Contact", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MessageEvents_OrganizationId_Contact",
                table: "MessageEvents",
                columns: new[] { "OrganizationId", "Contact" });
        }
    }
}
