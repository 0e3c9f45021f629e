using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>
/// The model, shared by every database provider; each provider has a subclass that owns its migrations. It maps
/// the configuration admins keep (organizations, groups, agents…); a feature with tables of its own maps them in
/// its folder and adds its set as an extension property (<c>db.Calls</c> in Calls/CallTables.cs), so that
/// Storage depends on no feature. It also keeps the Data Protection key ring, so that every instance on one database
/// reads what another encrypted (organizations' provider secrets, panel cookies).
/// </summary>
public abstract class SwitchboardDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Room for a full week of openings and a year of exceptions, as stored JSON.</summary>
    private const int HoursColumnLength = 40_000;

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<Inbox> Inboxes => Set<Inbox>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<PlatformNumber> Numbers => Set<PlatformNumber>();
    public DbSet<MessageEvent> MessageEvents => Set<MessageEvent>();
    public DbSet<ContactText> ContactTexts => Set<ContactText>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<PanelLogin> PanelLogins => Set<PanelLogin>();
    public DbSet<BlockedCaller> BlockedCallers => Set<BlockedCaller>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        foreach (var enumType in new[]
        {
            typeof(OrganizationMode), typeof(GroupMode), typeof(InboxMode), typeof(AgentRole), typeof(KeyRole),
            typeof(RoutingOutcome), typeof(DecisionReason), typeof(FallbackMode), typeof(GroupFallbackMode),
            typeof(RingTeamMode),
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
            // The retention purge walks it from the oldest; a contact's texts are found through ContactTexts.
            e.HasIndex(m => new { m.OrganizationId, m.SentAt });
        });

        model.Entity<ContactText>(e =>
        {
            e.HasKey(t => new { t.OrganizationId, t.Contact, t.Kind, t.OwnerId });
            e.Property(t => t.ContactName).HasMaxLength(100);
        });

        model.Entity<ApiKey>(e => e.Property(k => k.Name).HasMaxLength(200));

        model.Entity<DataProtectionKey>(e => e.ToTable("DataProtectionKeys"));

        model.Entity<PanelLogin>(e =>
        {
            e.Property(l => l.SecurityStamp).HasMaxLength(64);
            e.Property(l => l.Email).HasMaxLength(320);
            e.Property(l => l.PasswordHash).HasMaxLength(200);
            e.HasIndex(l => l.Email).IsUnique();
            e.HasIndex(l => l.AgentId).IsUnique();
        });

        // Each feature maps its own entities (Calls/CallTables.cs, Events/CallEventTables.cs, Audit/AuditTables.cs).
        model.ApplyConfigurationsFromAssembly(typeof(SwitchboardDb).Assembly);
    }

    private static void CallerMessageColumns<T>(EntityTypeBuilder<T> e)
        where T : class, ICallerMessageSetting
    {
        e.Property(x => x.MessageSay).HasMaxLength(1000);
        e.Property(x => x.MessageVoice).HasMaxLength(64);
        e.Property(x => x.MessageLanguage).HasMaxLength(16);
        e.Property(x => x.MessagePlayUrl).HasMaxLength(2000);
    }

    // Internal, not private: the compiled models (src/Switchboard/CompiledModels) construct it.
    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
