using Bullion.Web.Tokens;
using Microsoft.Extensions.Options;

namespace Bullion.Web;

/// <summary>Settings of the host (section <c>Bullion</c>; e.g. env <c>Bullion__DataPath</c>).</summary>
public sealed class BullionOptions
{
    public const string Section = "Bullion";

    /// <summary>
    /// The one folder the service writes to: <c>registry.db</c>, <c>pepper.key</c> and <c>vaults/</c>.
    /// Relative paths resolve against the working directory, so <c>dotnet run</c> from the repository keeps data in <c>./data</c>.
    /// </summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>
    /// Token peppers configured by the operator (e.g. from a secret store). Empty: one is generated into
    /// <c>&lt;DataPath&gt;/pepper.key</c>. The highest version signs new credentials; every listed version still verifies.
    /// </summary>
    public List<PepperOption> Peppers { get; set; } = [];

    public string FullDataPath => Path.GetFullPath(DataPath);

    public string VaultsPath => Path.Combine(FullDataPath, "vaults");

    public string RegistryPath => Path.Combine(FullDataPath, "registry.db");

    public string PepperPath => Path.Combine(FullDataPath, "pepper.key");
}

public sealed class PepperOption
{
    public int Version { get; set; }

    /// <summary>Base64 of at least 32 random bytes.</summary>
    public string Key { get; set; } = "";
}

/// <summary>Every failure names the configuration key and the bad value, so a refused start says what to fix.</summary>
internal sealed class BullionOptionsValidator : IValidateOptions<BullionOptions>
{
    public ValidateOptionsResult Validate(string? name, BullionOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add($"{BullionOptions.Section}:DataPath must be set (was '{options.DataPath}').");
        }
        else
        {
            try
            {
                _ = options.FullDataPath;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                failures.Add($"{BullionOptions.Section}:DataPath is not a usable path (was '{options.DataPath}'): {ex.Message}");
            }
        }
        var seen = new HashSet<int>();
        for (var i = 0; i < options.Peppers.Count; i++)
        {
            var pepper = options.Peppers[i];
            var key = $"{BullionOptions.Section}:Peppers:{i}";
            if (pepper.Version < 1) failures.Add($"{key}:Version must be at least 1 (was {pepper.Version}).");
            else if (!seen.Add(pepper.Version)) failures.Add($"{key}:Version {pepper.Version} is listed twice.");
            // The key itself is a secret: say what is wrong with it, never echo it.
            if (!PepperKey.TryDecode(pepper.Key, out _))
            {
                failures.Add($"{key}:Key must be base64 of at least {PepperKey.MinBytes} bytes (was {pepper.Key.Length} characters that are not).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
