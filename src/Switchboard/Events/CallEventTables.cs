using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Storage;

namespace Switchboard.Events;

/// <summary>The events outbox on the database context.</summary>
public static class CallEventTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<CallEvent> CallEvents => db.Set<CallEvent>();
    }
}

internal sealed class CallEventMapping : IEntityTypeConfiguration<CallEvent>
{
    public void Configure(EntityTypeBuilder<CallEvent> e)
    {
        e.ToTable("CallEvents");
        e.Ignore(v => v.Pending);
        e.Ignore(v => v.RetriedFrom);
        e.Property(v => v.Type).HasMaxLength(64);
        e.Property(v => v.LastError).HasMaxLength(500);
        e.HasIndex(v => v.EventId).IsUnique();
        e.HasIndex(v => new { v.OrganizationId, v.Id });
        // The sender's look-ups touch only events still to send: due ones, and earlier ones of the same call.
        e.HasIndex(v => v.NextAttemptAt).HasFilter("\"DeliveredAt\" IS NULL AND \"GaveUpAt\" IS NULL");
        e.HasIndex(v => new { v.CallId, v.Id }).HasFilter("\"DeliveredAt\" IS NULL AND \"GaveUpAt\" IS NULL");
        // Deleting calls (retention, erasure) deletes their events, delivered ones too, and the foreign key checks
        // each deleted call for events left: without it, each was a scan of the whole outbox.
        e.HasIndex(v => v.CallId);
    }
}
