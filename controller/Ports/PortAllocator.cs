using System.Net;
using System.Net.Sockets;

namespace Coast.Controller.Ports;

/// <summary>
/// Picks free local dynamic ports (49152-65535) by actually binding them on 127.0.0.1, skipping ports
/// already allocated to other instances. A port can still be taken between the test and its use; the
/// caller retries with fresh ports when the engine reports a publish conflict.
/// </summary>
public sealed class PortAllocator
{
    public const int First = 49152;
    public const int Last = 65535;
    private readonly object _gate = new();
    private readonly HashSet<int> _recent = new();

    public int Allocate(ISet<int> exclude)
    {
        lock (_gate)
        {
            var span = Last - First + 1;
            var start = Random.Shared.Next(span);
            for (var i = 0; i < span; i++)
            {
                var port = First + (start + i) % span;
                if (exclude.Contains(port) || _recent.Contains(port) || !IsFree(port)) continue;
                _recent.Add(port); // two allocations in one process never hand out the same port
                if (_recent.Count > 4096) _recent.Clear();
                return port;
            }
            throw new InvalidOperationException("no free port in 49152-65535");
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
