using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Switchboard.Calls;
using Switchboard.Routing;

namespace Switchboard.Storage;

/// <summary>The model, shared by every database provider; each provider has a subclass that owns its migrations.</summary>
public abstract class SwitchboardDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<Inbox> Inboxes => Set<Inbox>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<PlatformNumber> Numbers => Set<PlatformNumber>();
    public DbSet<MessageEvent> MessageEvents => Set<MessageEvent>();
    public DbSet<LastText> LastTexts => Set<LastText>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<CallRecord> Calls => Set<CallRecord>();
    public DbSet<PanelLogin> PanelLogins => Set<PanelLogin>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        foreach (var enumType in new[]
        {
            typeof(OrganizationMode), typeof(GroupMode), typeof(InboxMode), typeof(AgentRole), typeof(KeyRole),
            typeof(CallDirection), typeof(ScreeningResult), typeof(CallOutcome), typeof(CallLeg),
            typeof(RoutingOutcome), typeof(DecisionReason),
        })
        {
            builder.Properties(enumType).HaveConversion<string>().HaveMaxLength(32);
        }
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Organization>(e => e.Property(o => o.Name).HasMaxLength(200));

        model.Entity<Group>(e =>
        {
            e.Property(g => g.Name).HasMaxLength(200);
            e.HasIndex(g => g.OrganizationId);
        });

        model.Entity<Inbox>(e =>
        {
            e.Property(i => i.Name).HasMaxLength(200);
            e.HasIndex(i => i.OrganizationId);
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
            e.HasIndex(m => new { m.OrganizationId, m.ExternalId }).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
        });

        model.Entity<LastText>(e => e.HasKey(l => new { l.GroupId, l.Contact }));

        model.Entity<ApiKey>(e => e.Property(k => k.Name).HasMaxLength(200));

        model.Entity<CallRecord>(e =>
        {
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => c.CallSid).IsUnique();
            e.HasIndex(c => new { c.OrganizationId, c.Id });
            e.HasIndex(c => new { c.OrganizationId, c.AgentId, c.Id });
            e.HasMany(c => c.Statuses).WithOne().HasForeignKey(s => s.CallId);
            e.Navigation(c => c.Statuses).HasField("_statuses");
        });

        model.Entity<PanelLogin>(e =>
        {
            e.Property(l => l.Email).HasMaxLength(320);
            e.Property(l => l.PasswordHash).HasMaxLength(200);
            e.HasIndex(l => l.Email).IsUnique();
            e.HasIndex(l => l.AgentId).IsUnique();
        });

        model.Entity<CallStatusEvent>(e => e.HasIndex(s => new { s.CallId, s.Leg, s.Status }).IsUnique());
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
