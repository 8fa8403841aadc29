using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bullion.EndToEnd.Tests;

/// <summary>The far edge of the network, faked as a real local HTTP server speaking the currency-api document format.</summary>
public sealed class PriceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _body = "";

    private PriceServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<PriceServer> StartAsync(decimal usdPerOunce, decimal idrPerOunce)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new PriceServer(app);
        server.Publish(usdPerOunce, idrPerOunce, new DateOnly(2026, 12, 3));
        app.MapGet("/xau.json", () => Results.Content(server._body, "application/json"));
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/xau.json");
        return server;
    }

    public void Publish(decimal usdPerOunce, decimal idrPerOunce, DateOnly date) =>
        _body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"date\":\"{date:yyyy-MM-dd}\",\"xau\":{{\"usd\":{usdPerOunce},\"idr\":{idrPerOunce},\"eur\":{usdPerOunce * 0.95m}}}}}");

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
