using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RoutingForPeoplesLives : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: the defaults of existing rows are the model's (language "en-US"; ring the team off,
            // 20 seconds, 5 agents), not the CLR's empty string and zero.
            migrationBuilder.AddColumn<string>(
                name: "Hours",
                table: "Organizations",
                type: "character varying(40000)",
                maxLength: 40000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Organizations",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "en-US");

            migrationBuilder.AddColumn<bool>(
                name: "RejectFailedVerification",
                table: "Organizations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Hours",
                table: "Inboxes",
                type: "character varying(40000)",
                maxLength: 40000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hours",
                table: "Groups",
                type: "character varying(40000)",
                maxLength: 40000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Groups",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RingTeamMaxAgents",
                table: "Groups",
                type: "integer",
                nullable: false,
                defaultValue: 5);

            migrationBuilder.AddColumn<string>(
                name: "RingTeamMode",
                table: "Groups",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Off");

            migrationBuilder.AddColumn<int>(
                name: "RingTeamSeconds",
                table: "Groups",
                type: "integer",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.AddColumn<DateTime>(
                name: "TeamAcceptedAt",
                table: "Calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TeamAgentId",
                table: "Calls",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TeamMode",
                table: "Calls",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TeamRung",
                table: "Calls",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TeamStartedAt",
                table: "Calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Verification",
                table: "Calls",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BlockedCallers",
                columns: table => new
                {
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BlockedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FromCallId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlockedCallers", x => new { x.OrganizationId, x.Number });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BlockedCallers");

            migrationBuilder.DropColumn(
                name: "Hours",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "RejectFailedVerification",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "Hours",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "Hours",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RingTeamMaxAgents",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RingTeamMode",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "RingTeamSeconds",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "TeamAcceptedAt",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "TeamAgentId",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "TeamMode",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "TeamRung",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "TeamStartedAt",
                table: "Calls");

            migrationBuilder.DropColumn(
                name: "Verification",
                table: "Calls");
        }
    }
}
