using System.Buffers.Text;
using System.Security.Cryptography;

namespace Bullion.Web.Tokens;

/// <summary>The secret half of a credential: 32 random bytes, base64url (43 characters, cookie- and URL-safe).</summary>
public static class CredentialTokens
{
    // 256 bits: guessing is hopeless, so the hash needs no slow KDF — HMAC with a pepper is enough.
    public const int TokenBytes = 32;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>Hashes a token as stored in the registry: HMAC-SHA256(pepper, raw token bytes). False for anything not a token.</summary>
    public static bool TryHash(string? token, Pepper pepper, out byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(pepper);
        hash = [];
        Span<byte> raw = stackalloc byte[TokenBytes];
        if (token is null || token.Length != Base64Url.GetEncodedLength(TokenBytes)) return false;
        if (!Base64Url.TryDecodeFromChars(token, raw, out var written) || written != TokenBytes) return false;
        hash = pepper.Hash(raw);
        CryptographicOperations.ZeroMemory(raw);
        return true;
    }
}
