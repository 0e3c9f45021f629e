using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

// Existing organizations keep the stock behaviour: a message as fallback, groups following it, and the contact's name said.
namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CallOptionsAuditAndReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FallbackForwardTo",
                table: "Organizations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackMode",
                table: "Organizations",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Message");

            migrationBuilder.AddColumn<int>(
                name: "LastTextMaxAgeDays",
                table: "Organizations",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageLanguage",
                table: "Organizations",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessagePlayUrl",
                table: "Organizations",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageSay",
                table: "Organizations",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageVoice",
                table: "Organizations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SayContactName",
                table: "Organizations",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "ContactName",
                table: "MessageEvents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContactName",
                table: "LastTexts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageLanguage",
                table: "Inboxes",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessagePlayUrl",
                table: "Inboxes",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageSay",
                table: "Inboxes",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageVoice",
                table: "Inboxes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RejectWithMessage",
                table: "Inboxes",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "FallbackForwardTo",
                table: "Groups",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackMode",
                table: "Groups",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "FollowOrganization");

            migrationBuilder.AddColumn<bool>(
                name: "MembersOnly",
                table: "Groups",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "MessageLanguage",
                table: "Groups",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessagePlayUrl",
                table: "Groups",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageSay",
                table: "Groups",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageVoice",
                table: "Groups",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RejectWithMessage",
                table: "Groups",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "AgentOutcome",
                table: "Calls",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackDialStatus",
                table: "Calls",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackForwardTo",
                table: "Calls",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FallbackStartedAt",
                table: "Calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastTextAt",
                table: "Calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RejectedWithMessage",
                table: "Calls",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ActorId = table.Column<long>(type: "bigint", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ActorRole = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    EntityType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    EntityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Changes = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GroupMembers",
                columns: table => new
                {
                    GroupId = table.Column<long>(type: "bigint", nullable: false),
                    AgentId = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    AddedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GroupMembers", x => new { x.GroupId, x.AgentId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Calls_OrganizationId_StartedAt",
                table: "Calls",
                columns: new[] { "OrganizationId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganizationId_EntityType_Id",
                table: "AuditEntries",
                columns: new[] { "OrganizationId", "EntityType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganizationId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_GroupMembers_AgentId",
                table: "GroupMembers",
                column: "AgentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "GroupMembers");

            migrationBuilder.DropIndex(
                name: "IX_Calls_OrganizationId_StartedAt",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "FallbackForwardTo",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "FallbackMode",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "LastTextMaxAgeDays",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "MessageLanguage",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "MessagePlayUrl",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "MessageSay",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "MessageVoice",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "SayContactName",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "ContactName",
                table: "MessageEvents");

            migrationBuilder.DropColumn(
                name: "ContactName",
                table: "LastTexts");

            migrationBuilder.DropColumn(
                name: "MessageLanguage",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "MessagePlayUrl",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "MessageSay",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "MessageVoice",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "RejectWithMessage",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "FallbackForwardTo",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "FallbackMode",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "MembersOnly",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "MessageLanguage",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "MessagePlayUrl",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "MessageSay",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "MessageVoice",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RejectWithMessage",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "AgentOutcome",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "FallbackDialStatus",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "FallbackForwardTo",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "FallbackStartedAt",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "LastTextAt",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "RejectedWithMessage",
                table: "Calls");
        }
    }
}
