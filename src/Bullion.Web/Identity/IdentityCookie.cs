using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Bullion.Vaults;
using Bullion.Web.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Bullion.Web.Identity;

/// <summary>One (vault id, token) pair a browser holds.</summary>
public sealed record CookieCredential(VaultId VaultId, string Token)
{
    public override string ToString() => $"credential for vault {VaultId}"; // never print the token
}

/// <summary>What the identity cookie carries: the browser's vaults, which one is active, and when it was issued.</summary>
public sealed record IdentityPayload(IReadOnlyList<CookieCredential> Credentials, int Active, DateOnly IssuedOn)
{
    public CookieCredential ActiveCredential => Credentials[Active];
}

/// <summary>
/// The identity cookie: a compact binary payload (1 version byte, active index, issue day, then 16-byte vault id +
/// 32-byte token per vault) protected by ASP.NET Core Data Protection (AES-256-CBC + HMAC-SHA256, keys persisted in the
/// data folder so cookies survive restarts). Binary rather than JSON keeps one vault at ≈190 bytes and twenty under 1.5 KB.
/// </summary>
public sealed class IdentityCookie(IDataProtectionProvider protection, TimeProvider time)
{
    public const string Name = "bullion";
    public const int MaxVaults = 20;
    private const byte Version = 1;
    private const int EntryBytes = 16 + CredentialTokens.TokenBytes;
    private const int HeaderBytes = 1 + 1 + 2 + 1;
    private static readonly DateOnly Epoch = new(2020, 1, 1);
    // 1 year, refreshed on visits (at most daily, see NeedsRefresh).
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly IDataProtector _protector = protection.CreateProtector("Bullion.Identity.v1");

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Null for anything that is not a cookie we issued (garbage, tampered, from another key ring, oversized).</summary>
    public IdentityPayload? Read(string? value)
    {
        // 4 KB is the browser limit; anything longer is not ours and is not worth decrypting.
        if (string.IsNullOrEmpty(value) || value.Length > 4096) return null;
        byte[] bytes;
        try
        {
            var raw = Base64Url.DecodeFromChars(value);
            bytes = _protector.Unprotect(raw);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
        return Decode(bytes);
    }

    public string Write(IdentityPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var bytes = Encode(payload);
        try
        {
            return Base64Url.EncodeToString(_protector.Protect(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public void Append(HttpResponse response, IdentityPayload payload, bool secure)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(Name, Write(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = secure,
            Path = "/",
            IsEssential = true,
            MaxAge = Lifetime,
        });
    }

    /// <summary>The cookie's lifetime is renewed at most once a day, so visits do not each cost a Set-Cookie.</summary>
    public bool NeedsRefresh(IdentityPayload payload) => payload.IssuedOn < Today;

    private static byte[] Encode(IdentityPayload payload)
    {
        if (payload.Credentials.Count is 0 or > MaxVaults) throw new ArgumentException($"A browser holds 1 to {MaxVaults} vaults (was {payload.Credentials.Count}).", nameof(payload));
        var bytes = new byte[HeaderBytes + payload.Credentials.Count * EntryBytes];
        bytes[0] = Version;
        bytes[1] = (byte)payload.Active;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)(payload.IssuedOn.DayNumber - Epoch.DayNumber));
        bytes[4] = (byte)payload.Credentials.Count;
        var offset = HeaderBytes;
        foreach (var credential in payload.Credentials)
        {
            credential.VaultId.Value.TryWriteBytes(bytes.AsSpan(offset, 16));
            if (!Base64Url.TryDecodeFromChars(credential.Token, bytes.AsSpan(offset + 16, CredentialTokens.TokenBytes), out var written) || written != CredentialTokens.TokenBytes)
            {
                throw new ArgumentException("A credential token is not 32 base64url bytes.", nameof(payload));
            }
            offset += EntryBytes;
        }
        return bytes;
    }

    private static IdentityPayload? Decode(byte[] bytes)
    {
        try
        {
            if (bytes.Length < HeaderBytes || bytes[0] != Version) return null;
            int count = bytes[4], active = bytes[1];
            if (count is 0 or > MaxVaults || active >= count || bytes.Length != HeaderBytes + count * EntryBytes) return null;
            var issued = Epoch.AddDays(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)));
            var credentials = new List<CookieCredential>(count);
            for (var i = 0; i < count; i++)
            {
                var entry = bytes.AsSpan(HeaderBytes + i * EntryBytes, EntryBytes);
                var guid = new Guid(entry[..16]);
                if (guid == Guid.Empty) return null;
                credentials.Add(new CookieCredential(VaultId.From(guid), Base64Url.EncodeToString(entry[16..])));
            }
            return new IdentityPayload(credentials, active, issued);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
