using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Ssh;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Remote.Hosts;

/// <summary>
/// One SSH connection per remote host, shared by everything that talks to it (probe, agent API,
/// tunnels). A connection is replaced when the host's spec (address, user, key, pin) changes, and
/// closed when the host is removed or the controller stops.
/// </summary>
public sealed class RemoteHostConnections(ILoggerFactory loggers, SshOptions? options = null) : IAsyncDisposable
{
    private readonly Dictionary<string, (SshTarget Target, HostKeyFingerprint Pin, SshConnection Connection)> _open = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Where a RemoteHost's spec says to connect. The identity file defaults to root's or the user's ed25519 key.</summary>
    public static SshTarget TargetOf(RemoteHost host) => new(host.Spec.User, host.Spec.Host, host.Spec.Port,
        host.Spec.IdentityFile ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "id_ed25519"));

    public async Task<SshConnection> GetAsync(RemoteHost host, CancellationToken ct)
    {
        var name = host.Metadata.Name;
        var target = TargetOf(host);
        var pin = HostKeyFingerprint.Parse(host.Spec.HostKey ?? throw new InvalidOperationException("spec.hostKey is not set"));
        await _gate.WaitAsync(ct);
        try
        {
            if (_open.TryGetValue(name, out var open))
            {
                if (open.Target == target && open.Pin == pin && open.Connection.State != SshConnectionState.Failed) return open.Connection;
                _open.Remove(name);
                await open.Connection.DisposeAsync();
            }
            var connection = await SshConnection.OpenAsync(target, pin, options, loggers.CreateLogger($"ssh:{name}"), ct);
            _open[name] = (target, pin, connection);
            return connection;
        }
        finally { _gate.Release(); }
    }

    public async Task CloseAsync(string hostName)
    {
        await _gate.WaitAsync();
        try
        {
            if (_open.Remove(hostName, out var open)) await open.Connection.DisposeAsync();
        }
        finally { _gate.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var open in _open.Values) await open.Connection.DisposeAsync();
        _open.Clear();
    }
}
