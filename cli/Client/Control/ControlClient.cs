using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Coast.Client.Control;

/// <summary>Sends one request to a controller's control socket.</summary>
public static class ControlClient
{
    /// <summary>
    /// The controller's answer, or null when no controller listens there (no socket file, a stale one, or
    /// the connection dropped): the caller then does the work itself, which is safe because every
    /// operation only writes desired state.
    /// </summary>
    public static async Task<ControlResponse?> TrySendAsync(string socketPath, ControlRequest request, CancellationToken ct)
    {
        if (!File.Exists(socketPath)) return null;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonLine()), ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = await reader.ReadLineAsync(ct);
            return line is null ? null : ControlResponse.Parse(line);
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException)
        {
            return null;
        }
    }
}
