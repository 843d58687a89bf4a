using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// Opens one authenticated SSH.NET client to a target whose host key must match the pin. The pin is
/// checked during key exchange, before any login is attempted, so a changed host never sees our key.
/// </summary>
internal static class SshClientFactory
{
    public static async Task<PinnedClient> ConnectAsync(SshTarget target, HostKeyFingerprint pin, SshOptions options, CancellationToken ct)
    {
        var key = LoadKey(target.IdentityFile);
        var info = new ConnectionInfo(target.Host, target.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, key))
        {
            Timeout = options.ConnectTimeout,
        };
        var client = new SshClient(info) { KeepAliveInterval = options.KeepAliveInterval };
        HostKeyFingerprint? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = HostKeyFingerprint.FromSshNet(e.FingerPrintSHA256);
            e.CanTrust = presented == pin;
        };
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(options.ConnectTimeout);
            await client.ConnectAsync(limit.Token);
            return new PinnedClient(client, key);
        }
        catch (Exception e)
        {
            client.Dispose();
            key.Dispose();
            if (presented is not null && presented != pin) throw new HostKeyMismatchException(target, pin, presented);
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            throw Translate(target.ToString(), e, target.IdentityFile);
        }
    }

    /// <summary>SSH.NET's and the socket layer's exceptions as one-line messages naming the host; <paramref name="where"/> is user@host:port.</summary>
    internal static SshConnectException Translate(string where, Exception e, string? identityFile = null) => e switch
    {
        SocketException s => new SshConnectException($"cannot reach {where}: {s.Message}", permanent: false, e),
        OperationCanceledException or SshOperationTimeoutException =>
            new SshConnectException($"connecting to {where} timed out", permanent: false, e),
        SshAuthenticationException => new SshConnectException(
            $"{where} refused the login with identity file {identityFile}: {e.Message}", permanent: true, e),
        _ => new SshConnectException($"ssh connection to {where} failed: {e.Message}", permanent: false, e),
    };

    private static PrivateKeyFile LoadKey(string path)
    {
        try
        {
            return new PrivateKeyFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SshConnectException($"identity file {path} not found", permanent: true, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SshConnectException($"identity file {path} cannot be read: {e.Message}", permanent: true, e);
        }
        catch (SshPassPhraseNullOrEmptyException e)
        {
            throw new SshConnectException($"identity file {path} is protected by a passphrase; use a key without one", permanent: true, e);
        }
        catch (SshException e)
        {
            throw new SshConnectException($"identity file {path} is not a private key SSH.NET can read: {e.Message}", permanent: true, e);
        }
    }
}

/// <summary>A connected client and the key it logged in with; disposing closes both.</summary>
internal sealed class PinnedClient(SshClient client, PrivateKeyFile key) : IDisposable
{
    public SshClient Client { get; } = client;

    public void Dispose()
    {
        try { Client.Dispose(); }
        finally { key.Dispose(); }
    }
}
