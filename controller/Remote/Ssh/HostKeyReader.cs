using Renci.SshNet;
using Renci.SshNet.Common;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// Reads a server's host key fingerprint on first contact (for <c>coast remote add</c>, which shows it and
/// pins it). The key exchange is stopped as soon as the key is seen: nothing is authenticated or sent.
/// </summary>
public static class HostKeyReader
{
    public static async Task<HostKeyFingerprint> ReadAsync(string host, int port, TimeSpan timeout, CancellationToken ct = default) =>
        (await ReadKeyAsync(host, port, timeout, ct)).Fingerprint;

    /// <summary>The host key itself (for a known_hosts line): its fingerprint, its type and its base64 blob, and the signature algorithm negotiated.</summary>
    public static async Task<HostPublicKey> ReadKeyAsync(string host, int port, TimeSpan timeout, CancellationToken ct = default)
    {
        var info = new ConnectionInfo(host, port, "coast-host-key-probe", new NoneAuthenticationMethod("coast-host-key-probe"))
        {
            Timeout = timeout,
        };
        using var client = new SshClient(info);
        HostPublicKey? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = new HostPublicKey(HostKeyFingerprint.FromSshNet(e.FingerPrintSHA256), KeyType(e.HostKey), Convert.ToBase64String(e.HostKey), e.HostKeyName);
            e.CanTrust = false; // refuse: we only wanted the key
        };
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            await client.ConnectAsync(limit.Token);
        }
        catch (Exception e) when (seen is null)
        {
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            throw SshClientFactory.Translate($"{host}:{port}", e);
        }
        catch (SshConnectionException)
        {
            // Expected: we refused the key.
        }
        return seen ?? throw new SshConnectException($"{host}:{port} did not present a host key", permanent: false);
    }

    /// <summary>The key blob starts with its type as an SSH string (uint32 length, then the name, e.g. ssh-ed25519).</summary>
    private static string KeyType(byte[] blob)
    {
        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return System.Text.Encoding.ASCII.GetString(blob, 4, length);
    }
}

/// <summary>A server's host key as a known_hosts line needs it.</summary>
public sealed record HostPublicKey(HostKeyFingerprint Fingerprint, string KeyType, string Base64, string Algorithm);
