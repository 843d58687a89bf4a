using Renci.SshNet;
using Renci.SshNet.Common;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// Reads a server's host key fingerprint on first contact (for <c>coast remote add</c>, which shows it and
/// pins it). The key exchange is stopped as soon as the key is seen: nothing is authenticated or sent.
/// </summary>
public static class HostKeyReader
{
    public static async Task<HostKeyFingerprint> ReadAsync(string host, int port, TimeSpan timeout, CancellationToken ct = default)
    {
        var info = new ConnectionInfo(host, port, "coast-host-key-probe", new NoneAuthenticationMethod("coast-host-key-probe"))
        {
            Timeout = timeout,
        };
        using var client = new SshClient(info);
        HostKeyFingerprint? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = HostKeyFingerprint.FromSshNet(e.FingerPrintSHA256);
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
}
