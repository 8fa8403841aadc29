using Bullion.Portfolio;
using Bullion.Vaults;
using Bullion.Web.Identity;
using Bullion.Web.Market;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Bullion.Web.Components.Ui;

/// <summary>
/// A page that works on the visitor's vault. The vault id comes only from the verified identity
/// (<see cref="AuthenticationStateProvider"/>); every read and write names it through <see cref="IVaultAccess"/>.
/// Interactive pages also re-load when any tab of the same vault changes it.
/// </summary>
public abstract class VaultPage : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private IDisposable? _prices;
    private bool _disposed;

    [Inject] protected IVaultAccess Vaults { get; set; } = null!;
    [Inject] protected AuthenticationStateProvider Auth { get; set; } = null!;
    [Inject] protected TimeProvider Time { get; set; } = null!;
    [Inject] protected NavigationManager Navigation { get; set; } = null!;
    [Inject] protected PriceBook Prices { get; set; } = null!;

    protected VaultId Vault { get; private set; }
    protected bool HasVault { get; private set; }
    protected VaultSettings Settings { get; private set; } = VaultSettings.Default;

    /// <summary>A message for the user when the vault cannot be read (never a silent empty page).</summary>
    protected string? LoadError { get; private set; }

    /// <summary>The price this page values with (manual, feed or none), in the vault's currency.</summary>
    protected PriceView Price => PriceView.For(Settings, Prices.Status);

    protected DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    protected override async Task OnInitializedAsync()
    {
        var user = (await Auth.GetAuthenticationStateAsync()).User;
        if (VaultClaims.VaultIdOf(user) is not { } id) return;
        Vault = id;
        HasVault = true;
        await ReloadAsync();
        // Left while loading: Dispose already ran, so subscribing now would leak the page.
        if (RendererInfo.IsInteractive && !_disposed)
        {
            // Fire and forget: a change notification never waits for a page to re-render.
            _subscription = Vaults.Subscribe(id, change => _ = InvokeAsync(async () =>
            {
                if (_disposed) return;
                await ReloadAsync();
                StateHasChanged();
            }));
            // A new price re-renders every open page of every vault; no vault is read or written for it.
            _prices = Prices.Subscribe(status => _ = InvokeAsync(async () =>
            {
                if (_disposed) return;
                await OnPriceChangedAsync();
                StateHasChanged();
            }));
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            Settings = await Vaults.ReadAsync(Vault, new ReadSettings());
            await LoadAsync();
            LoadError = null;
        }
        catch (Exception ex) when (IsVaultTrouble(ex))
        {
            LoadError = ex is VaultUnavailableException unavailable
                ? $"Your vault cannot be opened right now ({unavailable.Reason}). Nothing was changed; please try again in a minute."
                : "Your vault cannot be opened right now. Nothing was changed; please try again in a minute.";
        }
    }

    /// <summary>A message for the user when an action could not be done (set by <see cref="TryAsync"/>).</summary>
    protected string? ActionError { get; private set; }

    /// <summary>
    /// Runs a user action (a write, an import) and turns a vault or storage failure into <see cref="ActionError"/>
    /// instead of ending the user's session. True when it completed.
    /// </summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ActionError = null;
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (IsVaultTrouble(ex))
        {
            ActionError = "That could not be saved: your vault is not available right now. Nothing was changed; please try again.";
            return false;
        }
    }

    // Storage trouble, or data a page cannot read (e.g. an imported file edited by hand): shown, never a crashed session.
    private static bool IsVaultTrouble(Exception ex) =>
        ex is VaultException or Microsoft.Data.Sqlite.SqliteException or IOException or ObjectDisposedException
            or FormatException or OverflowException or InvalidCastException or ArgumentException;

    /// <summary>Called on the page's context after the feed accepted or failed a fetch.</summary>
    protected virtual Task OnPriceChangedAsync() => Task.CompletedTask;

    /// <summary>Reads what the page shows from <see cref="Vault"/>; <see cref="Settings"/> is fresh when it runs.</summary>
    protected abstract Task LoadAsync();

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
        _prices?.Dispose();
        GC.SuppressFinalize(this);
    }
}
