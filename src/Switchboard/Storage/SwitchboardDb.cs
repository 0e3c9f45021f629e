using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Switchboard.Audit;
using Switchboard.Calls;
using Switchboard.Events;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>The model, shared by every database provider; each provider has a subclass that owns its migrations.</summary>
public abstract class SwitchboardDb(DbContextOptions options) : DbContext(options)
{
    /// <summary>Room for a full week of openings and a year of exceptions, as stored JSON.</summary>
    private const int HoursColumnLength = 40_000;

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<Inbox> Inboxes => Set<Inbox>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<PlatformNumber> Numbers => Set<PlatformNumber>();
    public DbSet<MessageEvent> MessageEvents => Set<MessageEvent>();
    public DbSet<LastText> LastTexts => Set<LastText>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<CallRecord> Calls => Set<CallRecord>();
    public DbSet<PanelLogin> PanelLogins => Set<PanelLogin>();
    public DbSet<CallEvent> CallEvents => Set<CallEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<BlockedCaller> BlockedCallers => Set<BlockedCaller>();

    /// <summary>
    /// Saves, and in the same transaction adds an audit entry for each change to what admins configure
    /// (<see cref="AuditTrail"/>). A save that touches nothing audited (calls, events) costs one look over the
    /// tracked entries, changes being detected once as before. Code that holds the write gate always holds a
    /// transaction too, so the gate is entered here only when there is none.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        if (detect)
        {
            ChangeTracker.DetectChanges();
        }

        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var changes = AuditTrail.Collect(ChangeTracker.Entries());
            if (changes.Count == 0)
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            }

            var trail = this.GetService<AuditTrail>();
            if (Database.CurrentTransaction is not null)
            {
                return await SaveWithAuditAsync(trail, changes, acceptAllChangesOnSuccess, ct);
            }

            await using var writer = await trail.Gate.EnterAsync(ct);
            await using var transaction = await Database.BeginTransactionAsync(ct);
            var saved = await SaveWithAuditAsync(trail, changes, acceptAllChangesOnSuccess, ct);
            await transaction.CommitAsync(ct);
            return saved;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>Audited changes are saved asynchronously only (nothing here saves synchronously).</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        AuditTrail.Collect(ChangeTracker.Entries()).Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        foreach (var enumType in new[]
        {
            typeof(OrganizationMode), typeof(GroupMode), typeof(InboxMode), typeof(AgentRole), typeof(KeyRole),
            typeof(CallDirection), typeof(ScreeningResult), typeof(CallOutcome), typeof(CallLeg), typeof(OutboundStage),
            typeof(RoutingOutcome), typeof(DecisionReason), typeof(FallbackMode), typeof(GroupFallbackMode), typeof(ActorKind), typeof(AuditAction), typeof(RingTeamMode),
        })
        {
            builder.Properties(enumType).HaveConversion<string>().HaveMaxLength(32);
        }
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Organization>(e =>
        {
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.CallEventsUrl).HasMaxLength(2000);
            e.Property(o => o.CallEventsSecret).HasMaxLength(200);
            e.Property(o => o.Hours).HasMaxLength(HoursColumnLength);
            e.Property(o => o.Language).HasMaxLength(16);
            CallerMessageColumns(e);
        });

        model.Entity<BlockedCaller>(e =>
        {
            e.HasKey(b => new { b.OrganizationId, b.Number });
            e.Property(b => b.Number).HasMaxLength(32);
        });

        model.Entity<Group>(e =>
        {
            e.Property(g => g.Name).HasMaxLength(200);
            e.HasIndex(g => g.OrganizationId);
            e.Property(g => g.Hours).HasMaxLength(HoursColumnLength);
            e.Property(g => g.Language).HasMaxLength(16);
            CallerMessageColumns(e);
        });

        model.Entity<GroupMember>(e =>
        {
            e.HasKey(m => new { m.GroupId, m.AgentId });
            e.HasIndex(m => m.AgentId);
        });

        model.Entity<Inbox>(e =>
        {
            e.Property(i => i.Name).HasMaxLength(200);
            e.HasIndex(i => i.OrganizationId);
            e.Property(i => i.Hours).HasMaxLength(HoursColumnLength);
            CallerMessageColumns(e);
        });

        model.Entity<Agent>(e =>
        {
            e.Ignore(a => a.State);
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.Email).HasMaxLength(320);
            e.HasIndex(a => new { a.OrganizationId, a.Email }).IsUnique().HasFilter("\"DeletedAt\" IS NULL");
        });

        model.Entity<PlatformNumber>(e =>
        {
            e.HasKey(n => n.Number);
            e.HasIndex(n => n.OrganizationId);
        });

        model.Entity<MessageEvent>(e =>
        {
            e.Property(m => m.ExternalId).HasMaxLength(200);
            e.Property(m => m.ContactName).HasMaxLength(100);
            e.HasIndex(m => new { m.OrganizationId, m.ExternalId }).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
            // An agent's calls out: the last text of that agent to that contact, whatever group or inbox it came from.
            // Agent ids are unique across organizations, so the organization need not be part of it.
            e.HasIndex(m => new { m.AgentId, m.Contact, m.SentAt });
            e.HasIndex(m => new { m.OrganizationId, m.Contact });
            e.HasIndex(m => new { m.OrganizationId, m.SentAt });
        });

        model.Entity<LastText>(e =>
        {
            e.HasKey(l => new { l.GroupId, l.Contact });
            e.Property(l => l.ContactName).HasMaxLength(100);
        });

        model.Entity<ApiKey>(e => e.Property(k => k.Name).HasMaxLength(200));

        model.Entity<CallRecord>(e =>
        {
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => c.CallSid).IsUnique();
            e.HasIndex(c => new { c.OrganizationId, c.Id });
            e.HasIndex(c => new { c.OrganizationId, c.AgentId, c.Id });
            // Call reports read an organization's calls by when they started.
            e.HasIndex(c => new { c.OrganizationId, c.StartedAt });
            e.HasIndex(c => new { c.OrganizationId, c.Contact });
            e.Property(c => c.FailureDetail).HasMaxLength(500);
            e.Property(c => c.Verification).HasMaxLength(64);
            e.Property(c => c.DialStatus).HasConversion(StatusWords);
            e.Property(c => c.CallerStatus).HasConversion(StatusWords);
            e.Property(c => c.FallbackDialStatus).HasConversion(StatusWords);
            e.HasMany(c => c.Statuses).WithOne().HasForeignKey(s => s.CallId);
            e.Navigation(c => c.Statuses).HasField("_statuses");
            e.HasMany(c => c.Events).WithOne().HasForeignKey(v => v.CallId);
            e.Navigation(c => c.Events).HasField("_events");
        });

        model.Entity<CallEvent>(e =>
        {
            e.Ignore(v => v.Pending);
            e.Property(v => v.Type).HasMaxLength(64);
            e.Property(v => v.LastError).HasMaxLength(500);
            e.HasIndex(v => v.EventId).IsUnique();
            e.HasIndex(v => new { v.OrganizationId, v.Id });
            // The sender's look-ups touch only events still to send: due ones, and earlier ones of the same call.
            e.HasIndex(v => v.NextAttemptAt).HasFilter("\"DeliveredAt\" IS NULL AND \"GaveUpAt\" IS NULL");
            e.HasIndex(v => new { v.CallId, v.Id }).HasFilter("\"DeliveredAt\" IS NULL AND \"GaveUpAt\" IS NULL");
        });

        model.Entity<PanelLogin>(e =>
        {
            e.Property(l => l.Email).HasMaxLength(320);
            e.Property(l => l.PasswordHash).HasMaxLength(200);
            e.HasIndex(l => l.Email).IsUnique();
            e.HasIndex(l => l.AgentId).IsUnique();
        });

        model.Entity<AuditEntry>(e =>
        {
            e.Property(a => a.ActorName).HasMaxLength(200);
            e.Property(a => a.ActorRole).HasMaxLength(32);
            e.Property(a => a.EntityType).HasMaxLength(32);
            e.Property(a => a.EntityId).HasMaxLength(64);
            // The log reads newest first within an organization, optionally of one kind of entity.
            e.HasIndex(a => new { a.OrganizationId, a.Id });
            e.HasIndex(a => new { a.OrganizationId, a.EntityType, a.Id });
        });

        model.Entity<CallStatusEvent>(e =>
        {
            e.Property(s => s.Status).HasConversion(StatusWords);
            e.HasIndex(s => new { s.CallId, s.Leg, s.Status }).IsUnique();
        });
    }

    private static void CallerMessageColumns<T>(EntityTypeBuilder<T> e)
        where T : class, ICallerMessageSetting
    {
        e.Property(x => x.MessageSay).HasMaxLength(1000);
        e.Property(x => x.MessageVoice).HasMaxLength(64);
        e.Property(x => x.MessageLanguage).HasMaxLength(16);
        e.Property(x => x.MessagePlayUrl).HasMaxLength(2000);
    }

    private async Task<int> SaveWithAuditAsync(AuditTrail trail, List<PendingChange> changes, bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        var actor = await trail.ActorAsync(this, ct);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        AuditEntries.AddRange(changes.Select(c => trail.EntryFor(c, actor)).OfType<AuditEntry>());
        await base.SaveChangesAsync(true, ct);
        return saved;
    }

    /// <summary>Statuses are stored as their words ("no-answer"), which the call log and events show too.</summary>
    private static readonly ValueConverter<CallStatus, string> StatusWords = new(v => CallStatuses.Name(v), v => CallStatuses.FromName(v));

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
