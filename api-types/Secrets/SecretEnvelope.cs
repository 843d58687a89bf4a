using System.Security.Cryptography;
using System.Text;

namespace Coast.ApiTypes.Secrets;

/// <summary>
/// A secret value sealed to the controller's P-256 public key: a fresh ephemeral key agrees a secret with it
/// (ECDH), HKDF-SHA256 makes the AES-256-GCM key, and the project/name is the associated data, so a sealed
/// value moved to another secret does not open. Anyone with the public key can seal (the CLI does, for
/// `coast secret NAME set`); only the holder of the private key file can open. Pure computation, no I/O.
/// Format: "sealed1:" base64(ephemeral SPKI) ":" base64(nonce) ":" base64(ciphertext) ":" base64(tag).
/// </summary>
public static class SecretEnvelope
{
    private const string Prefix = "sealed1:";
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("coast.dev secret v1");

    public static bool LooksSealed(string text) => text.StartsWith(Prefix, StringComparison.Ordinal) && text.Split(':').Length == 5;

    /// <summary>The associated data binding a sealed value to one secret of one project.</summary>
    public static string Context(string project, string secretName) => $"{project}/{secretName}";

    public static string Seal(string publicKeySpki, string plaintext, string context)
    {
        using var recipient = ECDiffieHellman.Create();
        recipient.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKeySpki), out _);
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var key = DeriveKey(ephemeral, recipient.PublicKey);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var cipher = new byte[data.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key, tag.Length)) aes.Encrypt(nonce, data, cipher, tag, Encoding.UTF8.GetBytes(context));
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(data);
        return Prefix + string.Join(':', Convert.ToBase64String(ephemeral.PublicKey.ExportSubjectPublicKeyInfo()),
            Convert.ToBase64String(nonce), Convert.ToBase64String(cipher), Convert.ToBase64String(tag));
    }

    /// <summary>The value, or a <see cref="CryptographicException"/> when it was sealed to another key or another secret, or altered.</summary>
    public static string Open(ECDiffieHellman privateKey, string sealedValue, string context)
    {
        if (!LooksSealed(sealedValue)) throw new CryptographicException("not a sealed value");
        var parts = sealedValue[Prefix.Length..].Split(':');
        using var ephemeral = ECDiffieHellman.Create();
        ephemeral.ImportSubjectPublicKeyInfo(Convert.FromBase64String(parts[0]), out _);
        var key = DeriveKey(privateKey, ephemeral.PublicKey);
        var nonce = Convert.FromBase64String(parts[1]);
        var cipher = Convert.FromBase64String(parts[2]);
        var tag = Convert.FromBase64String(parts[3]);
        var data = new byte[cipher.Length];
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Decrypt(nonce, cipher, tag, data, Encoding.UTF8.GetBytes(context));
            return Encoding.UTF8.GetString(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(data);
        }
    }

    private static byte[] DeriveKey(ECDiffieHellman own, ECDiffieHellmanPublicKey other)
    {
        var shared = own.DeriveRawSecretAgreement(other);
        try { return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt: [], info: Info); }
        finally { CryptographicOperations.ZeroMemory(shared); }
    }
}
