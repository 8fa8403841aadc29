using Bullion.Vaults;
using Bullion.Web.Registry;
using Microsoft.AspNetCore.Mvc;

namespace Bullion.Web.Identity;

/// <summary>
/// The cookie-changing actions: switch the active vault, start another vault. They are plain form posts (a Blazor
/// circuit cannot set cookies), protected by antiforgery, and always redirect back to a page.
/// </summary>
public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/identity").RequireAuthorization();

        group.MapPost("/switch", async ([FromForm] string? vault, HttpContext context, VaultRegistry registry, IdentityCookie cookie, IHostEnvironment environment) =>
        {
            var payload = VaultAuthenticationHandler.PayloadOf(context)!;
            var index = VaultId.TryParse(vault, out var id) ? payload.Credentials.ToList().FindIndex(c => c.VaultId == id) : -1;
            if (index < 0) return Results.Redirect("/settings?switch=unknown");
            var target = payload.Credentials[index];
            if (await registry.VerifyAsync(target.VaultId, target.Token, context.RequestAborted) is null)
            {
                // That vault's access was revoked or it was deleted: drop it from this browser.
                var alive = payload.Credentials.Where((_, i) => i != index).ToList();
                if (alive.Count == 0)
                {
                    // Nothing left in this browser: it becomes a new visitor on the next page.
                    context.Response.Cookies.Delete(IdentityCookie.Name);
                    return Results.Redirect("/");
                }
                var active = alive.FindIndex(c => c == payload.ActiveCredential);
                cookie.Append(context.Response, payload with { Credentials = alive, Active = Math.Max(active, 0), IssuedOn = cookie.Today },
                    VaultAuthenticationHandler.SecureCookies(environment));
                return Results.Redirect("/settings?switch=gone");
            }
            cookie.Append(context.Response, payload with { Active = index, IssuedOn = cookie.Today }, VaultAuthenticationHandler.SecureCookies(environment));
            return Results.Redirect("/");
        });

        group.MapPost("/new-vault", async ([FromForm] string? label, HttpContext context, VaultRegistry registry, IdentityCookie cookie,
            VaultCreationLimiter limiter, IVaultAccess vaults, IHostEnvironment environment, ILoggerFactory logs) =>
        {
            var payload = VaultAuthenticationHandler.PayloadOf(context)!;
            if (payload.Credentials.Count >= IdentityCookie.MaxVaults) return Results.Redirect("/settings?new=full");
            if (!limiter.TryAcquire(context)) return Results.Redirect("/settings?new=limited");
            var name = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
            if (name?.Length > 40) name = name[..40];
            var issued = await registry.CreateVaultAsync(cancellationToken: CancellationToken.None);
            if (name is not null)
            {
                try
                {
                    await vaults.WriteAsync(issued.VaultId, new Bullion.Portfolio.SaveSettings(Bullion.Portfolio.VaultSettings.Default with { Label = name }));
                }
                catch (VaultException ex)
                {
                    // The vault exists and is handed out below either way; a missing name can be set in Settings.
                    logs.CreateLogger("Bullion.Identity").LogWarning(ex, "New vault {VaultId} was created but its name was not saved", issued.VaultId);
                }
            }
            var credentials = payload.Credentials.Append(new CookieCredential(issued.VaultId, issued.Token)).ToList();
            cookie.Append(context.Response, new IdentityPayload(credentials, credentials.Count - 1, cookie.Today), VaultAuthenticationHandler.SecureCookies(environment));
            return Results.Redirect("/");
        });

        return app;
    }

    /// <summary><c>GET /vault/export</c>: the active vault as a plain SQLite file, named with its id and the date.</summary>
    public static IEndpointRouteBuilder MapVaultExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/vault/export", async (HttpContext context, IVaultAccess vaults, TimeProvider time, ILoggerFactory logs) =>
        {
            var id = VaultClaims.VaultIdOf(context.User)!.Value;
            var date = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var headers = context.Response.Headers;
            try
            {
                context.Response.ContentType = "application/vnd.sqlite3";
                headers.ContentDisposition = $"attachment; filename=\"bullion-{id}-{date}.db\"";
                headers.CacheControl = "no-store";
                await vaults.ExportAsync(id, context.Response.Body, context.RequestAborted);
                return Results.Empty;
            }
            catch (VaultException ex) when (!context.Response.HasStarted)
            {
                // The copy is made (VACUUM INTO a work file) before the first byte is sent, so a failure is still a clean answer.
                logs.CreateLogger("Bullion.Export").LogWarning(ex, "Export of vault {VaultId} failed", id);
                headers.Remove("Content-Disposition");
                return Results.Problem("Your vault cannot be exported right now. Nothing was changed; please try again in a minute.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).RequireAuthorization();
        return app;
    }
}

