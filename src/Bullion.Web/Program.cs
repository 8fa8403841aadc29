using Bullion.Web;
using Bullion.Web.Health;
using Bullion.Web.Registry;
using Bullion.Web.Vaults;

var builder = WebApplication.CreateBuilder(args);

// Defaults in code: the content root is the working directory, so no appsettings.json can be relied on. EF's
// per-command logs would print every registry query; a more specific Logging:LogLevel category still overrides this.
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

// Time is a service so tests can own the clock (idle vault closing, credential stamps).
builder.Services.AddSingleton(TimeProvider.System);
builder.AddBullionOptions();
builder.Services.AddVaults();
builder.Services.AddRegistry();
builder.Services.AddBullionHealthChecks();

var app = builder.Build();

app.MapBullionHealth();

app.Run();

public partial class Program;
