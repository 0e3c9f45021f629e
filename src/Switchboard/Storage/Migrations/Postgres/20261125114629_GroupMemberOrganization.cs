using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GroupMemberOrganization : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "GroupMembers",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "GroupMembers");
        }
    }
}
