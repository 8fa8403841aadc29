using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bullion.Web.Tests.Market;

/// <summary>What the price server answers on one path: a status, a body, optionally after a delay or a gate.</summary>
public sealed record Reply(int Status, string Body, TimeSpan Delay = default, Task? Gate = null)
{
    public static Reply Json(string body) => new(200, body);
}

/// <summary>
/// A real HTTP price source on 127.0.0.1 with a free port: a tiny Kestrel app serving <c>/primary/xau.json</c> and
/// <c>/fallback/xau.json</c>, each answering what the test set, and counting the requests it received.
/// </summary>
public sealed class PriceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Reply> _replies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private PriceServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri PrimaryUrl => new(BaseAddress, "/primary/xau.json");

    public Uri FallbackUrl => new(BaseAddress, "/fallback/xau.json");

    public Reply Primary { set => _replies["primary"] = value; }

    public Reply Fallback { set => _replies["fallback"] = value; }

    /// <summary>Both sources answer the same.</summary>
    public Reply Both
    {
        set
        {
            Primary = value;
            Fallback = value;
        }
    }

    public int PrimaryHits => _hits.GetValueOrDefault("primary");

    public int FallbackHits => _hits.GetValueOrDefault("fallback");

    public int Hits => PrimaryHits + FallbackHits;

    public static async Task<PriceServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Port 0: the OS picks a free one, so parallel test classes never collide.
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        PriceServer? server = null;
        app.MapGet("/{role}/xau.json", async (string role, HttpContext context) =>
        {
            server!._hits.AddOrUpdate(role, 1, (_, n) => n + 1);
            if (!server._replies.TryGetValue(role, out var reply)) return Results.NotFound();
            try
            {
                if (reply.Gate is not null) await reply.Gate.WaitAsync(context.RequestAborted);
                if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (its timeout): nothing to answer.
                return Results.Empty;
            }
            return Results.Text(reply.Body, "application/json", statusCode: reply.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new PriceServer(app, new Uri($"http://127.0.0.1:{new Uri(address).Port}"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
