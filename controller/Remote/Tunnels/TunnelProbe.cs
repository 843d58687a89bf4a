using System.Net;
using System.Net.Sockets;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>
/// The health probes of a tunnel: a TCP connect to each forward's local port (500 ms), and one `ss`
/// listing on the remote per round for the reverse binds (is each bind's port listening there).
/// </summary>
public static class TunnelProbe
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Null when 127.0.0.1:port accepted a connection within the timeout; otherwise why not.</summary>
    public static async Task<string?> ConnectAsync(int port, CancellationToken ct)
    {
        if (port is < 1 or > 65535) return "no local port bound";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(ConnectTimeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"127.0.0.1:{port} did not accept within {ConnectTimeout.TotalMilliseconds:F0} ms";
        }
        catch (SocketException e)
        {
            return $"127.0.0.1:{port}: {e.SocketErrorCode}";
        }
    }

    /// <summary>The TCP ports listening on the remote host (`ss -Htln`), or null when that could not be read.</summary>
    public static async Task<HashSet<(string Address, int Port)>?> RemoteListenersAsync(SshConnection ssh, CancellationToken ct)
    {
        try
        {
            var r = await ssh.RunAsync(["ss", "-Htln"], TimeSpan.FromSeconds(3), ct);
            return r.ExitCode == 0 ? ParseListeners(r.StandardOutput) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Local-address column of `ss -Htln` lines ("LISTEN 0 128 0.0.0.0:5432 0.0.0.0:*", "[::]:22", "*:80").</summary>
    public static HashSet<(string Address, int Port)> ParseListeners(string ssOutput)
    {
        var set = new HashSet<(string, int)>();
        foreach (var line in ssOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 4) continue;
            var local = cells[3];
            var colon = local.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(local[(colon + 1)..], out var port)) continue;
            var address = local[..colon].Trim('[', ']');
            var percent = address.IndexOf('%');
            set.Add((percent >= 0 ? address[..percent] : address, port));
        }
        return set;
    }

    /// <summary>Does a listener on <paramref name="bindAddress"/>:port appear (a wildcard listener counts for 0.0.0.0)?</summary>
    public static bool Listens(HashSet<(string Address, int Port)> listeners, string bindAddress, int port) =>
        listeners.Contains((bindAddress, port))
        || (bindAddress is "0.0.0.0" or "*" && (listeners.Contains(("*", port)) || listeners.Contains(("0.0.0.0", port))));
}
