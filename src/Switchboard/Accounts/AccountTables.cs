using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Storage;

namespace Switchboard.Accounts;

/// <summary>Whether a number's configuration at its provider sends its calls to Switchboard, as last checked.</summary>
public enum NumberConnectionState { Unknown, Connected, Elsewhere }

/// <summary>The last check of a number at its provider; a number never checked has none.</summary>
public sealed class NumberConnection
{
    public required string Number { get; set; }

    public NumberConnectionState State { get; set; }

    public DateTime CheckedAt { get; set; }

    /// <summary>Why the state is unknown, in the provider's words with any phone number masked.</summary>
    public string? Reason { get; set; }
}

/// <summary>The accounts' and the numbers' connection tables on the database context.</summary>
public static class AccountTables
{
    extension(SwitchboardDb db)
    {
        public DbSet<ProviderAccount> ProviderAccounts => db.Set<ProviderAccount>();

        public DbSet<NumberConnection> NumberConnections => db.Set<NumberConnection>();
    }
}

internal sealed class ProviderAccountMapping : IEntityTypeConfiguration<ProviderAccount>
{
    public void Configure(EntityTypeBuilder<ProviderAccount> e)
    {
        e.ToTable("ProviderAccounts");
        e.HasKey(a => a.OrganizationId);
        e.HasOne<Organization>()
            .WithOne()
            .HasForeignKey<ProviderAccount>(a => a.OrganizationId)
            .OnDelete(DeleteBehavior.Cascade);
        e.Property(a => a.Provider).HasMaxLength(32);
        e.Property(a => a.Settings).HasMaxLength(4000);
        e.Property(a => a.ProtectedSecrets).HasMaxLength(8000);
        e.Property(a => a.SecretHints).HasMaxLength(1000);
        e.Property(a => a.ApiBaseUrl).HasMaxLength(2000);
    }
}

internal sealed class NumberConnectionMapping : IEntityTypeConfiguration<NumberConnection>
{
    public void Configure(EntityTypeBuilder<NumberConnection> e)
    {
        e.ToTable("NumberConnections");
        e.HasKey(c => c.Number);
        e.HasOne<PlatformNumber>()
            .WithOne()
            .HasForeignKey<NumberConnection>(c => c.Number)
            .OnDelete(DeleteBehavior.Cascade);
        e.Property(c => c.State).HasConversion<string>().HasMaxLength(32);
        e.Property(c => c.Reason).HasMaxLength(500);
    }
}
