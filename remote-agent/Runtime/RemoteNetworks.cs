using System.Globalization;
using System.Net;
using Docker.DotNet;
using Coast.Controller.Runtime;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// What the agent sees of its machine's networks: the default bridge's gateway (the host address every DinD on
/// that bridge reaches the host by, so reverse binds listen there and nowhere else) and the IPv4 networks in use
/// (the host's routes and the engine's networks), against which shared-service aliases are checked.
/// </summary>
public sealed class RemoteNetworks : IDisposable
{
    private readonly DockerClient _client = new DockerClientConfiguration(new Uri(
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock")).CreateClient();
    private readonly string _routeFile;
    private string? _gateway;

    public RemoteNetworks() : this("/proc/net/route") { }

    internal RemoteNetworks(string routeFile) => _routeFile = routeFile;

    /// <summary>The default bridge's gateway address (cached: it changes only with the engine's --bip).</summary>
    public async Task<string> BridgeGatewayAsync(CancellationToken ct)
    {
        if (_gateway is { } known) return known;
        var bridge = await _client.Networks.InspectNetworkAsync("bridge", ct);
        var gateway = bridge.IPAM?.Config?.Select(c => c.Gateway).FirstOrDefault(g => IPAddress.TryParse(g, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        if (gateway is null)
            throw new ReconcileFailedException("BridgeGatewayUnknown", "the engine's default bridge network has no IPv4 gateway: reverse binds for shared services have no address to listen on");
        return _gateway = gateway;
    }

    /// <summary>The IPv4 networks this machine uses: its routing table (default route left out) and every engine network's subnet.</summary>
    public async Task<List<(string Network, string Source)>> InUseAsync(CancellationToken ct)
    {
        var found = new List<(string, string)>();
        if (File.Exists(_routeFile))
            found.AddRange(ParseRoutes(await File.ReadAllTextAsync(_routeFile, ct)).Select(r => (r, "route")));
        foreach (var n in await _client.Networks.ListNetworksAsync(null, ct))
            foreach (var c in n.IPAM?.Config ?? [])
                if (c.Subnet is { Length: > 0 } subnet && subnet.Contains('.')) found.Add((subnet, $"docker network {n.Name}"));
        return found;
    }

    /// <summary>The destinations of /proc/net/route as CIDRs (hex in memory order: "0000000A ... 000000FF" is 10.0.0.0/8 on this little-endian machine), without the default route.</summary>
    public static List<string> ParseRoutes(string procNetRoute)
    {
        var routes = new List<string>();
        foreach (var line in procNetRoute.Split('\n').Skip(1))
        {
            var cells = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 8 || !uint.TryParse(cells[1], NumberStyles.HexNumber, null, out var dest)
                || !uint.TryParse(cells[7], NumberStyles.HexNumber, null, out var mask)) continue;
            var bits = System.Numerics.BitOperations.PopCount(mask);
            if (bits == 0) continue;
            routes.Add($"{new IPAddress(dest)}/{bits}");
        }
        return routes.Distinct().ToList();
    }

    public void Dispose() => _client.Dispose();
}
