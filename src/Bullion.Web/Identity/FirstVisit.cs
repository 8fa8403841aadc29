using System.Text.RegularExpressions;
using Bullion.Web.Registry;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Bullion.Web.Identity;

/// <summary>
/// Gives a first-time visitor a vault: a real page navigation (GET of a Blazor page, HTML accepted, not a prefetch,
/// not a crawler) without a verified identity creates a vault and its credential, sets the cookie, and lets the page
/// render for that vault. Nothing else — HEAD, static files, robots.txt, health, API calls, the Blazor hub — ever does.
/// </summary>
public static partial class FirstVisit
{
    public static IApplicationBuilder UseFirstVisitVaults(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true || !IsPageNavigation(context))
        {
            await next(context);
            return;
        }
        if (IsCrawler(context.Request.Headers.UserAgent.ToString()))
        {
            // Crawlers and link previews get a plain description instead of a vault.
            await WritePage(context, StatusCodes.Status200OK, "Bullion", "Bullion is a private tracker for physical gold. Open it in a browser to start your own vault.");
            return;
        }
        var services = context.RequestServices;
        if (!services.GetRequiredService<VaultCreationLimiter>().TryAcquire(context))
        {
            context.Response.Headers.RetryAfter = "3600";
            await WritePage(context, StatusCodes.Status429TooManyRequests, "Too many new vaults",
                "Too many new vaults were started from your network in the last hour, so no new one was made. Please try again later. " +
                "If you already use Bullion in this browser, check that cookies are allowed for this site.");
            return;
        }
        var issued = await services.GetRequiredService<VaultRegistry>().CreateVaultAsync(cancellationToken: CancellationToken.None);
        var cookie = services.GetRequiredService<IdentityCookie>();
        var payload = new IdentityPayload([new CookieCredential(issued.VaultId, issued.Token)], 0, cookie.Today);
        cookie.Append(context.Response, payload, VaultAuthenticationHandler.SecureCookies(services.GetRequiredService<IHostEnvironment>()));
        VaultAuthenticationHandler.SetPayload(context, payload);
        context.User = VaultClaims.Principal(payload);
        await next(context);
    });

    /// <summary>A browser's top-level GET of one of our pages (by the routed endpoint, not by guessing from the path).</summary>
    public static bool IsPageNavigation(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method)) return false;
        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is null) return false;
        if (!request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)) return false;
        var purpose = request.Headers["Sec-Purpose"].ToString() + request.Headers["Purpose"].ToString();
        if (purpose.Contains("prefetch", StringComparison.OrdinalIgnoreCase)) return false;
        var destination = request.Headers["Sec-Fetch-Dest"].ToString();
        return destination.Length == 0 || destination == "document";
    }

    public static bool IsCrawler(string userAgent) => userAgent.Length == 0 || CrawlerPattern().IsMatch(userAgent);

    [GeneratedRegex(@"bot\b|bot/|crawl|spider|slurp|preview|fetch|scan|monitor|curl/|wget/|python-|go-http|okhttp|facebookexternalhit|embedly|whatsapp|telegram|discord|slack", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CrawlerPattern();

    private static async Task WritePage(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        await context.Response.WriteAsync($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{encoder.Encode(title)}</title><link rel="stylesheet" href="/app.css"></head>
            <body><main class="notice"><h1>{encoder.Encode(title)}</h1><p>{encoder.Encode(message)}</p></main></body></html>
            """);
    }
}
