using Bullion.Web;
using Bullion.Web.Components;
using Bullion.Web.Health;
using Bullion.Web.Identity;
using Bullion.Web.Registry;
using Bullion.Web.Vaults;

// Before EF Core opens registry.db: SQLite takes process-wide settings (no bulk page-cache preallocation per connection,
// ≈155 → ≈84 KB per open vault) only before its first connection.
Bullion.Vaults.VaultRuntime.ConfigureSqlite();

var builder = WebApplication.CreateBuilder(args);
// Static web assets (blazor.web.js, app.css) from the build output under `dotnet run` in any environment;
// a published app has no manifest and this does nothing.
builder.WebHost.UseStaticWebAssets();

// Defaults in code: the content root is the working directory, so no appsettings.json can be relied on. EF's
// per-command logs would print every registry query; a more specific Logging:LogLevel category still overrides this.
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

// Time is a service so tests can own the clock (idle vault closing, credential stamps).
builder.Services.AddSingleton(TimeProvider.System);
builder.AddBullionOptions();
builder.Services.AddVaults();
builder.Services.AddRegistry();
builder.Services.AddBullionHealthChecks();
builder.AddVaultIdentity();
builder.AddMarket();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseRouting();
app.UseAuthentication();
// After routing and authentication: only a verified-less navigation to one of our pages gets a new vault.
app.UseFirstVisitVaults();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapBullionHealth();
app.MapIdentity();
app.MapVaultExport();
// Our own CSP (SecurityHeaders) already says frame-ancestors 'none'; Blazor's default second header would only add noise.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

app.Run();

public partial class Program;
