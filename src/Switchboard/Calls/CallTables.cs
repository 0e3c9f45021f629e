using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Switchboard.Storage;

namespace Switchboard.Calls;

/// <summary>
/// The calls' tables on the database context. A feature maps its own entities: Storage knows none of them.
/// </summary>
public static class CallTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<CallRecord> Calls => db.Set<CallRecord>();
    }

    /// <summary>Statuses are stored as their words ("no-answer"), which the call log and events show too.</summary>
    internal static readonly ValueConverter<CallStatus, string> StatusWords = new(
        v => CallStatuses.Name(v),
        v => CallStatuses.FromName(v));
}

internal sealed class CallRecordMapping : IEntityTypeConfiguration<CallRecord>
{
    public void Configure(EntityTypeBuilder<CallRecord> e)
    {
        e.ToTable("Calls");
        e.Property(c => c.Version).IsConcurrencyToken();
        e.HasIndex(c => c.CallSid).IsUnique();
        e.HasIndex(c => new { c.OrganizationId, c.Id });
        e.HasIndex(c => new { c.OrganizationId, c.AgentId, c.Id });
        // Call reports read an organization's calls by when they started.
        e.HasIndex(c => new { c.OrganizationId, c.StartedAt });
        e.HasIndex(c => new { c.OrganizationId, c.Contact });
        e.Property(c => c.FailureDetail).HasMaxLength(500);
        e.Property(c => c.Verification).HasMaxLength(64);
        e.Property(c => c.Provider).HasMaxLength(16);
        // At most RingTeam.MaxAgentsLimit ids.
        e.Property(c => c.TeamRung).HasMaxLength(256);
        e.Property(c => c.Direction).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.Screening).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.AgentOutcome).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.Stage).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.DialStatus).HasConversion(CallTables.StatusWords);
        e.Property(c => c.CallerStatus).HasConversion(CallTables.StatusWords);
        e.Property(c => c.FallbackDialStatus).HasConversion(CallTables.StatusWords);
        e.HasMany(c => c.Statuses).WithOne().HasForeignKey(s => s.CallId);
        e.Navigation(c => c.Statuses).HasField("_statuses");
        e.HasMany(c => c.Events).WithOne().HasForeignKey(v => v.CallId);
        e.Navigation(c => c.Events).HasField("_events");
    }
}

internal sealed class CallStatusEventMapping : IEntityTypeConfiguration<CallStatusEvent>
{
    public void Configure(EntityTypeBuilder<CallStatusEvent> e)
    {
        e.Property(s => s.Leg).HasConversion<string>().HasMaxLength(32);
        e.Property(s => s.Status).HasConversion(CallTables.StatusWords);
        e.HasIndex(s => new { s.CallId, s.Leg, s.Status }).IsUnique();
    }
}
