using Coast.Controller.Ports;

namespace Coast.Tests.Infrastructure;

/// <summary>
/// Canonical ports for tests: free on this machine right now, below the dynamic range (49152-65535) and
/// the kernel's ephemeral range, so a test never takes the ports of a user's checked-out instance
/// (`scripts/setup.sh` leaves the demo on :3000 and :8080) or of a test running beside it.
/// </summary>
public static class FreePorts
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = new();

    public static int Canonical()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20000, 32000);
                if (Handed.Contains(port) || !PortAllocator.IsFree(port)) continue;
                Handed.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException("no free port found in 20000-32000");
    }
}
