using System.Diagnostics.CodeAnalysis;

namespace Bullion.Vaults;

/// <summary>
/// The identity of a vault: a UUID, and nothing else. File names are derived only from a parsed
/// <see cref="VaultId"/>, so no user-supplied text ever becomes part of a path.
/// </summary>
public readonly record struct VaultId
{
    private VaultId(Guid value) => Value = value;

    public Guid Value { get; }

    /// <summary>A new random (version 4) vault id.</summary>
    public static VaultId New() => new(Guid.NewGuid());

    public static VaultId From(Guid value) =>
        value == Guid.Empty ? throw new InvalidVaultIdException("(empty)") : new VaultId(value);

    /// <summary>
    /// Accepts exactly the 36-character hyphenated form (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>),
    /// upper or lower case. Braces, spaces, path characters, the all-zero id and other formats are refused.
    /// </summary>
    public static VaultId Parse(string? text) =>
        TryParse(text, out var id) ? id : throw new InvalidVaultIdException(text);

    public static bool TryParse([NotNullWhen(true)] string? text, out VaultId id)
    {
        id = default;
        // Guid.TryParseExact("D") already refuses everything but 32 hex digits in 8-4-4-4-12 groups;
        // the length check keeps surrounding whitespace (which it tolerates) out too.
        if (text is null || text.Length != 36 || !Guid.TryParseExact(text, "D", out var guid) || guid == Guid.Empty)
        {
            return false;
        }
        id = new VaultId(guid);
        return true;
    }

    /// <summary>The vault's database file name inside a store, e.g. <c>0f8fad5b-….db</c>.</summary>
    public string FileName => Value.ToString("D") + ".db";

    public override string ToString() => Value.ToString("D");
}
