using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Storage;

namespace Switchboard.Audit;

/// <summary>The audit log on the database context.</summary>
public static class AuditTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<AuditEntry> AuditEntries => db.Set<AuditEntry>();
    }
}

internal sealed class AuditEntryMapping : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("AuditEntries");
        e.Property(a => a.ActorKind).HasConversion<string>().HasMaxLength(32);
        e.Property(a => a.Action).HasConversion<string>().HasMaxLength(32);
        e.Property(a => a.ActorName).HasMaxLength(200);
        e.Property(a => a.ActorRole).HasMaxLength(32);
        e.Property(a => a.EntityType).HasMaxLength(32);
        e.Property(a => a.EntityId).HasMaxLength(64);
        e.Property(a => a.SourceAddress).HasMaxLength(64);
        // The log reads newest first within an organization, optionally of one kind of entity.
        e.HasIndex(a => new { a.OrganizationId, a.Id });
        e.HasIndex(a => new { a.OrganizationId, a.EntityType, a.Id });
    }
}
