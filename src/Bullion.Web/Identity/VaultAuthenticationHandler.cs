using System.Text.Encodings.Web;
using Bullion.Web.Registry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bullion.Web.Identity;

/// <summary>
/// The "Vault" authentication scheme: reads the identity cookie, verifies the active credential against the registry
/// and yields a principal carrying the vault id. A wrong, tampered, expired, revoked or unknown cookie yields no result —
/// exactly as if there were no cookie — so nothing tells a visitor whether some vault exists.
/// </summary>
public sealed class VaultAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IdentityCookie cookie, VaultRegistry registry, IHostEnvironment environment)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly object PayloadKey = new();

    /// <summary>The verified cookie payload of this request (set by the handler), for endpoints that rewrite the cookie.</summary>
    public static IdentityPayload? PayloadOf(HttpContext context) =>
        context?.Items.TryGetValue(PayloadKey, out var payload) == true ? payload as IdentityPayload : null;

    public static void SetPayload(HttpContext context, IdentityPayload payload) => context.Items[PayloadKey] = payload;

    /// <summary>Secure outside development, as the design asks; a browser treats http://localhost as secure anyway.</summary>
    public static bool SecureCookies(IHostEnvironment environment) => !environment.IsDevelopment();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Files (app.css, blazor.web.js, …) never need an identity: skip the decrypt and the registry query for them.
        if (Path.HasExtension(Request.Path.Value)) return AuthenticateResult.NoResult();
        var payload = cookie.Read(Request.Cookies[IdentityCookie.Name]);
        if (payload is null) return AuthenticateResult.NoResult();

        var active = payload.ActiveCredential;
        var verified = await registry.VerifyAsync(active.VaultId, active.Token, Context.RequestAborted);
        if (verified is { UsesCurrentPepper: false })
        {
            // Finish a pepper rotation in place: same token, same cookie, new hash — nothing in flight is locked out.
            await registry.RehashAsync(verified, active.Token, Context.RequestAborted);
        }
        var rewrite = cookie.NeedsRefresh(payload);
        // Every vault the browser lists must verify too (revoked, deleted), or a page would read a vault it no longer owns.
        var alive = new List<CookieCredential>(payload.Credentials.Count);
        foreach (var credential in payload.Credentials)
        {
            var ok = credential == active
                ? verified is not null
                : await registry.VerifyAsync(credential.VaultId, credential.Token, Context.RequestAborted) is not null;
            if (ok) alive.Add(credential);
        }
        if (alive.Count == 0) return AuthenticateResult.NoResult();
        if (alive.Count != payload.Credentials.Count)
        {
            // A dead active vault hands over to the first one still alive.
            payload = payload with { Credentials = alive, Active = Math.Max(0, alive.IndexOf(active)) };
            rewrite = true;
        }
        if (rewrite && !Response.HasStarted)
        {
            payload = payload with { IssuedOn = cookie.Today };
            cookie.Append(Response, payload, SecureCookies(environment));
        }
        SetPayload(Context, payload);
        return AuthenticateResult.Success(new AuthenticationTicket(VaultClaims.Principal(payload), VaultClaims.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // No login page exists: a request without a vault is simply unauthorized.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
