using System.Net;
using Coast.ApiTypes.Remote;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// A shared service's alias (198.18.0.N, from the benchmarking range) must not lie in a network the remote
/// machine really uses: inside the DinD the alias is DNATed to the reverse bind, so a real host there with that
/// address would be unreachable from the instance and the name would point at the wrong machine. The agent
/// refuses such an instance with one clear reason instead of routing it wrongly.
/// </summary>
public static class SharedAliasCheck
{
    /// <summary>Null when no alias collides; otherwise the message naming each alias and the network it lies in.</summary>
    public static string? Conflicts(IReadOnlyList<RemoteSharedService> shared, IReadOnlyList<(string Network, string Source)> inUse)
    {
        var found = new List<string>();
        foreach (var s in shared)
        {
            if (!IPAddress.TryParse(s.Alias, out var alias)) continue;
            foreach (var (network, source) in inUse)
                if (Contains(network, alias)) { found.Add($"'{s.Name}' alias {s.Alias} lies in {network} ({source})"); break; }
        }
        return found.Count == 0 ? null
            : $"shared service aliases collide with networks this remote machine uses: {string.Join("; ", found)}. "
              + "Move that network out of 198.18.0.0/15 (the range Coast takes aliases from) or run the instance on another host";
    }

    public static bool Contains(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var network) || !int.TryParse(cidr[(slash + 1)..], out var bits)
            || network.AddressFamily != address.AddressFamily || bits is < 0 or > 32) return false;
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        return (ToUInt(network) & mask) == (ToUInt(address) & mask);
    }

    private static uint ToUInt(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}
