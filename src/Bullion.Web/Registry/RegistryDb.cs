using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bullion.Web.Registry;

/// <summary>The registry (<c>data/registry.db</c>): vaults and their credentials. Schema changes are EF migrations.</summary>
public sealed class RegistryDb(DbContextOptions<RegistryDb> options) : DbContext(options)
{
    public DbSet<VaultRecord> Vaults => Set<VaultRecord>();
    public DbSet<CredentialRecord> Credentials => Set<CredentialRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as text; UTC unix milliseconds as INTEGER sort and
        // compare natively (and read plainly in the sqlite3 shell). Millisecond precision is plenty for these stamps.
        // (Pre-convention configuration of a value type covers its nullable form too.)
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<VaultRecord>(vault =>
        {
            vault.ToTable("vaults");
            vault.HasKey(v => v.Id);
            vault.Property(v => v.Id).ValueGeneratedNever();
            vault.Property(v => v.RecoveryEmail).HasMaxLength(320);
            // Magic-link recovery looks vaults up by email.
            vault.HasIndex(v => v.RecoveryEmail);
            vault.HasMany(v => v.Credentials).WithOne(c => c.Vault).HasForeignKey(c => c.VaultId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CredentialRecord>(credential =>
        {
            credential.ToTable("credentials");
            credential.HasKey(c => c.Id);
            credential.Property(c => c.Id).ValueGeneratedNever();
            credential.Property(c => c.TokenHash).IsRequired();
            credential.Property(c => c.Label).HasMaxLength(100);
        });
    }
}

internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the host.</summary>
internal sealed class RegistryDbDesignTimeFactory : IDesignTimeDbContextFactory<RegistryDb>
{
    public RegistryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RegistryDb>().UseSqlite("Data Source=registry-design.db").Options);
}
