using System.Globalization;
using System.Security.Cryptography;

namespace Bullion.Web.Tokens;

/// <summary>A secret HMAC key with a version: the version is stored beside each token hash so peppers can rotate.</summary>
public sealed class Pepper
{
    private readonly byte[] _key;

    internal Pepper(int version, byte[] key)
    {
        Version = version;
        _key = key;
    }

    public int Version { get; }

    internal byte[] Hash(ReadOnlySpan<byte> token) => HMACSHA256.HashData(_key, token);

    internal bool SameKeyAs(Pepper other) => CryptographicOperations.FixedTimeEquals(_key, other._key);

    // Never print the key, whatever logs this object.
    public override string ToString() => $"pepper v{Version}";
}

internal static class PepperKey
{
    // 256 bits: the HMAC-SHA256 block-size guidance; shorter keys weaken the hash of a leaked registry.
    public const int MinBytes = 32;

    public static bool TryDecode(string? text, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return key.Length >= MinBytes;
    }
}

/// <summary>
/// The peppers the host knows: the highest version hashes new tokens, every known version verifies old ones.
/// Configured peppers (<c>Bullion:Peppers</c>) and the generated <c>pepper.key</c> (when present) are merged, so an
/// operator rotates by configuring a higher version without locking out credentials hashed with the generated one.
/// </summary>
public sealed class PepperRing
{
    private readonly Dictionary<int, Pepper> _byVersion;

    public PepperRing(IEnumerable<Pepper> peppers)
    {
        ArgumentNullException.ThrowIfNull(peppers);
        _byVersion = peppers.ToDictionary(p => p.Version);
        if (_byVersion.Count == 0) throw new ArgumentException("A pepper ring needs at least one pepper.", nameof(peppers));
        Current = _byVersion[_byVersion.Keys.Max()];
    }

    public Pepper Current { get; }

    public IReadOnlyCollection<int> Versions => _byVersion.Keys;

    public bool TryGet(int version, out Pepper pepper) => _byVersion.TryGetValue(version, out pepper!);

    /// <summary>Builds the ring from options, creating <c>pepper.key</c> only when no pepper is configured.</summary>
    public static PepperRing Load(BullionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var peppers = new List<Pepper>();
        for (var i = 0; i < options.Peppers.Count; i++)
        {
            var configured = options.Peppers[i];
            // Validated at start-up; decoding again keeps the key bytes out of the options object's lifetime.
            if (!PepperKey.TryDecode(configured.Key, out var key)) throw new InvalidOperationException($"Bullion:Peppers:{i}:Key is not valid base64 of at least {PepperKey.MinBytes} bytes.");
            peppers.Add(new Pepper(configured.Version, key));
        }
        var path = options.PepperPath;
        var generated = peppers.Count == 0 ? PepperFile.LoadOrCreate(path) : PepperFile.LoadIfPresent(path);
        if (generated is not null)
        {
            var clash = peppers.Find(p => p.Version == generated.Version);
            if (clash is null) peppers.Add(generated);
            else if (!clash.SameKeyAs(generated))
            {
                throw new InvalidOperationException(
                    $"Bullion:Peppers lists version {generated.Version} with a different key than the generated pepper in {path}; " +
                    $"give the configured pepper another version, or it would lock out credentials hashed with the generated one.");
            }
        }
        return new PepperRing(peppers);
    }
}

/// <summary>
/// The generated pepper: one line <c>&lt;version&gt; &lt;base64 key&gt;</c>, readable by the owner only.
/// Created atomically (written under a temporary name, then linked into place without overwriting), so two
/// processes starting at once on an empty folder end up with the same pepper.
/// </summary>
internal static class PepperFile
{
    public const int GeneratedVersion = 1;

    public static Pepper? LoadIfPresent(string path) => File.Exists(path) ? Read(path) : null;

    public static Pepper LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Read(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var key = RandomNumberGenerator.GetBytes(PepperKey.MinBytes);
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            // 0600 from the first byte: setting the mode after writing would leave a window where others can read it.
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temp, create))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{GeneratedVersion} {Convert.ToBase64String(key)}\n"));
                writer.Flush();
                file.Flush(flushToDisk: true);
            }
            try
            {
                // overwrite: false is link(2) on Unix: it fails if another start won the race, and never replaces its pepper.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Lost the race: use the winner's pepper.
            }
        }
        finally
        {
            File.Delete(temp);
        }
        return Read(path);
    }

    private static Pepper Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        var parts = text.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1 || !PepperKey.TryDecode(parts[1], out var key))
        {
            throw new InvalidOperationException($"The pepper file {path} is damaged (expected '<version> <base64 key of {PepperKey.MinBytes}+ bytes>'). Restore it from a backup: without it no credential verifies.");
        }
        return new Pepper(version, key);
    }
}
