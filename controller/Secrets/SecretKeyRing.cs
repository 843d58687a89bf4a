using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Secrets;
using Coast.Client.Database;

namespace Coast.Controller.Secrets;

/// <summary>
/// The controller's secret key: a P-256 private key in one owner-only file (default `$COAST_HOME/secret-key`,
/// mode 0600), created on first use. Values are sealed to its public key (<see cref="SecretEnvelope"/>) and
/// stored only sealed; opening them needs this file, which never enters the database.
/// </summary>
public sealed class SecretKeyRing(string path) : IDisposable
{
    private readonly Lazy<ECDiffieHellman> _key = new(() => LoadOrCreate(path));

    public static SecretKeyRing FromCoastHome() => new(Path.Combine(DatabaseLocator.CoastHome, "secret-key"));

    public string FilePath => path;

    /// <summary>SPKI, base64: what the CLI seals a manual value to.</summary>
    public string PublicKey => Convert.ToBase64String(_key.Value.PublicKey.ExportSubjectPublicKeyInfo());

    public string Seal(string value, string context) => SecretEnvelope.Seal(PublicKey, value, context);

    public string Open(string sealedValue, string context) => SecretEnvelope.Open(_key.Value, sealedValue, context);

    /// <summary>A keyed digest (HMAC with a key derived from the private key) of values: detects a change without revealing them.</summary>
    public string Fingerprint(IEnumerable<string> parts)
    {
        var seed = _key.Value.ExportECPrivateKey();
        var mac = HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, 32, salt: [], info: Encoding.UTF8.GetBytes("coast.dev fingerprint v1"));
        CryptographicOperations.ZeroMemory(seed);
        var text = Encoding.UTF8.GetBytes(string.Join('\0', parts));
        var hash = HMACSHA256.HashData(mac, text);
        CryptographicOperations.ZeroMemory(mac);
        CryptographicOperations.ZeroMemory(text);
        return Convert.ToHexStringLower(hash)[..16];
    }

    private static ECDiffieHellman LoadOrCreate(string path)
    {
        var key = ECDiffieHellman.Create();
        if (!File.Exists(path))
        {
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var tmp = $"{path}.{Environment.ProcessId}.tmp";
            using (var s = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFiles.OwnerOnlyFile }))
                s.Write(Encoding.ASCII.GetBytes(fresh.ExportPkcs8PrivateKeyPem()));
            // Two controllers creating it at once: the first link wins, both then read the same key.
            try { File.Move(tmp, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { File.Delete(tmp); }
        }
        PrivateFiles.Restrict(path, PrivateFiles.OwnerOnlyFile);
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    public void Dispose()
    {
        if (_key.IsValueCreated) _key.Value.Dispose();
    }
}
