using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Calls;
using Switchboard.Storage;

namespace Switchboard.Calls.Voicemail;

/// <summary>The voicemails' table on the database context.</summary>
public static class VoicemailTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<VoicemailRecord> Voicemails => db.Set<VoicemailRecord>();
    }
}

internal sealed class VoicemailRecordMapping : IEntityTypeConfiguration<VoicemailRecord>
{
    public void Configure(EntityTypeBuilder<VoicemailRecord> e)
    {
        e.ToTable("Voicemails");
        e.Property(v => v.Version).IsConcurrencyToken();
        e.HasIndex(v => v.CallId).IsUnique();
        e.HasOne<CallRecord>().WithMany().HasForeignKey(v => v.CallId);
        e.Property(v => v.RecordingSid).HasMaxLength(64);
        e.Property(v => v.Transcript).HasMaxLength(VoicemailRecord.MaxTranscriptLength);
        e.Property(v => v.LinkBase).HasMaxLength(2000);
        e.Property(v => v.RecordingStatus).HasConversion<string>().HasMaxLength(32);
        e.Property(v => v.TranscriptionStatus).HasConversion<string>().HasMaxLength(32);
        // The sweeper's look-ups: recordings still held (for retention), and events still to raise.
        e.HasIndex(v => new { v.OrganizationId, v.RecordedAt }).HasFilter("\"RecordingSid\" IS NOT NULL");
        e.HasIndex(v => v.RecordedAt).HasFilter("\"EventRaisedAt\" IS NULL AND \"Counted\"");
    }
}
