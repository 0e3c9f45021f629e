using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class VoicemailAndReconciler : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: existing organizations get the voicemail defaults (120 s messages, kept 90 days), not 0.
            migrationBuilder.AddColumn<bool>(
                name: "VoicemailEnabled",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "VoicemailMaxSeconds",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 120);

            migrationBuilder.AddColumn<int>(
                name: "VoicemailRetentionDays",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 90);

            migrationBuilder.AddColumn<bool>(
                name: "VoicemailTranscribe",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "VoicemailEnabled",
                table: "Inboxes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "VoicemailMaxSeconds",
                table: "Inboxes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "VoicemailTranscribe",
                table: "Inboxes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "VoicemailEnabled",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "VoicemailMaxSeconds",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "VoicemailTranscribe",
                table: "Groups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReconciledAt",
                table: "Calls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Voicemails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CallId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordingSid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordingStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Counted = table.Column<bool>(type: "INTEGER", nullable: false),
                    TranscribeRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    Transcript = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    TranscriptionStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LinkBase = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    EventRaisedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Voicemails", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Voicemails_Calls_CallId",
                        column: x => x.CallId,
                        principalTable: "Calls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Voicemails_CallId",
                table: "Voicemails",
                column: "CallId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Voicemails_OrganizationId_RecordedAt",
                table: "Voicemails",
                columns: new[] { "OrganizationId", "RecordedAt" },
                filter: "\"RecordingSid\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Voicemails_RecordedAt",
                table: "Voicemails",
                column: "RecordedAt",
                filter: "\"EventRaisedAt\" IS NULL AND \"Counted\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Voicemails");

            migrationBuilder.DropColumn(
                name: "VoicemailEnabled",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "VoicemailMaxSeconds",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "VoicemailRetentionDays",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "VoicemailTranscribe",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "VoicemailEnabled",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "VoicemailMaxSeconds",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "VoicemailTranscribe",
                table: "Inboxes");

            migrationBuilder.DropColumn(
                name: "VoicemailEnabled",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "VoicemailMaxSeconds",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "VoicemailTranscribe",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "ReconciledAt",
                table: "Calls");
        }
    }
}
