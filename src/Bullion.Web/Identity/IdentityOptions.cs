using Microsoft.Extensions.Options;

namespace Bullion.Web.Identity;

/// <summary>Section <c>Identity</c>: limits on creating vaults for new visitors.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>New vaults one client IP may create per hour (the design's 10).</summary>
    public int NewVaultsPerIpPerHour { get; set; } = 10;

    /// <summary>New vaults the whole service creates per hour (the design's 100).</summary>
    public int NewVaultsPerHour { get; set; } = 100;
}

internal sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (options.NewVaultsPerIpPerHour < 1) failures.Add($"{IdentityOptions.Section}:NewVaultsPerIpPerHour must be at least 1 (was {options.NewVaultsPerIpPerHour}).");
        if (options.NewVaultsPerHour < 1) failures.Add($"{IdentityOptions.Section}:NewVaultsPerHour must be at least 1 (was {options.NewVaultsPerHour}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
