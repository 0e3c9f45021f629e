using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContactTexts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: ContactTexts is created WITHOUT ROWID, which EF Core cannot say: its rows are then stored
            // in key order, so that a contact's rows share a page and ingesting a text writes one page of it (a rowid
            // table would write its row by rowid and its key in an index apart). A later migration that rebuilds this
            // table must keep WITHOUT ROWID.
            migrationBuilder.Sql("""
                CREATE TABLE "ContactTexts" (
                    "OrganizationId" INTEGER NOT NULL,
                    "Contact" TEXT NOT NULL,
                    "Kind" INTEGER NOT NULL,
                    "OwnerId" INTEGER NOT NULL,
                    "AgentId" INTEGER NOT NULL,
                    "FromNumber" TEXT NULL,
                    "GroupId" INTEGER NULL,
                    "InboxId" INTEGER NULL,
                    "SentAt" TEXT NOT NULL,
                    "ContactName" TEXT NULL,
                    CONSTRAINT "PK_ContactTexts" PRIMARY KEY ("OrganizationId", "Contact", "Kind", "OwnerId")
                ) WITHOUT ROWID;
                """);

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
                    GroupId = table.Column<long>(type: "INTEGER", nullable: false),
                    Contact = table.Column<string>(type: "TEXT", nullable: false),
                    AgentId = table.Column<long>(type: "INTEGER", nullable: false),
                    ContactName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FromNumber = table.Column<string>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
