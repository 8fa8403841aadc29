using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Identity;

public static class IdentitySetup
{
    /// <summary>
    /// The passwordless identity: Data Protection keys in <c>&lt;DataPath&gt;/keys</c> (owner-only, so cookies survive
    /// restarts), the "Vault" authentication scheme, the identity cookie, creation limits and antiforgery.
    /// </summary>
    public static WebApplicationBuilder AddVaultIdentity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var data = builder.Configuration.GetSection(BullionOptions.Section).Get<BullionOptions>() ?? new BullionOptions();
        var keys = Directory.CreateDirectory(Path.Combine(data.FullDataPath, "keys"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("Bullion");

        builder.Services.AddAuthentication(VaultClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, VaultAuthenticationHandler>(VaultClaims.Scheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "bullion-af";
            // Same as the request: the antiforgery cookie guards no identity, and the default run is plain http on localhost.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddSingleton<IdentityCookie>();
        builder.Services.AddSingleton<VaultCreationLimiter>();
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        return builder;
    }
}
