using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// Makes the project's shared services (running on the controller's machine) reachable inside a remote DinD as if
/// they were local: each service's alias address and own port (e.g. 198.18.0.1:5432, which the compose file's
/// extra_hosts give the service's name) is DNATed to the reverse bind: the engine's bridge gateway (the host as the
/// DinD sees it) on the bind's port, where the controller's Tunnel has sshd listening (-R GATEWAY:PORT, on that
/// address only). PREROUTING covers inner containers, OUTPUT the DinD's
/// own processes; /etc/hosts names the alias for the latter. The rules live in a chain of their own, rewritten only
/// when they differ, so a pass that changes nothing never drops a connection.
/// </summary>
public static class SharedServiceRoutes
{
    public static async Task ApplyAsync(IContainerEngine engine, RemoteNetworks networks, string container, IReadOnlyList<RemoteSharedService> shared,
        IReadOnlyList<RemoteSharedBind> binds, CancellationToken ct)
    {
        if (shared.Count == 0) return;
        if (SharedAliasCheck.Conflicts(shared, await networks.InUseAsync(ct)) is { } conflict)
            throw new ReconcileFailedException("SharedAliasConflict", conflict);
        var gateway = await networks.BridgeGatewayAsync(ct);
        var args = new List<string> { "sh", "-c", Script, "coast-shared", gateway };
        foreach (var s in shared.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var bind = binds.FirstOrDefault(b => b.Name == s.Name)
                ?? throw new ReconcileFailedException("SharedBindMissing", $"no reverse-bind port is held for shared service '{s.Name}'");
            args.AddRange([s.Name, s.Alias, s.Port.ToString(), bind.RemotePort.ToString()]);
        }
        args.Add("--");
        var r = await engine.ExecAsync(container, args, null, ct);
        if (r.ExitCode != 0)
            throw new ReconcileFailedException("SharedServiceRoutesFailed", $"routing shared services inside {container} failed: {r.StandardError.Trim()}");
    }

    /// <summary>Waits until sshd listens on every bind (the controller makes them when the PUT answers); the first silent one after the timeout.</summary>
    public static async Task<RemoteSharedBind?> FirstSilentAsync(IReadOnlyList<RemoteSharedBind> binds, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            RemoteSharedBind? silent = null;
            foreach (var b in binds)
                if (!await ListensAsync(b.BindAddress, b.RemotePort, ct)) { silent = b; break; }
            if (silent is null || DateTime.UtcNow >= deadline) return silent;
            await Task.Delay(250, ct);
        }
    }

    private static async Task<bool> ListensAsync(string? address, int port, CancellationToken ct)
    {
        var ip = address is null or "0.0.0.0" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(address);
        using var client = new System.Net.Sockets.TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try { await client.ConnectAsync(ip, port, timeout.Token); return true; }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested) { return false; }
    }

    // Arguments: GATEWAY NAME ALIAS PORT BIND ... --. Data only as arguments, never in the script.
    private const string Script = """
        set -e
        gw="$1"; shift
        want=0; same=1
        iptables -t nat -N COAST-SHARED 2>/dev/null || true
        for chain in PREROUTING OUTPUT; do
          iptables -t nat -C "$chain" -j COAST-SHARED 2>/dev/null || iptables -t nat -A "$chain" -j COAST-SHARED
        done
        args="$*"
        while [ "$1" != "--" ]; do
          want=$((want + 1))
          iptables -t nat -C COAST-SHARED -d "$2/32" -p tcp --dport "$3" -j DNAT --to-destination "$gw:$4" 2>/dev/null || same=0
          shift 4
        done
        have=$(iptables -t nat -S COAST-SHARED | grep -c '^-A' || true)
        if [ "$same" = 0 ] || [ "$have" != "$want" ]; then
          iptables -t nat -F COAST-SHARED
          set -- $args
          while [ "$1" != "--" ]; do
            iptables -t nat -A COAST-SHARED -d "$2/32" -p tcp --dport "$3" -j DNAT --to-destination "$gw:$4"
            shift 4
          done
        fi
        set -- $args
        while [ "$1" != "--" ]; do
          grep -v " $1 # coast-shared\$" /etc/hosts > /tmp/coast-hosts || true
          printf '%s %s # coast-shared\n' "$2" "$1" >> /tmp/coast-hosts
          cat /tmp/coast-hosts > /etc/hosts
          shift 4
        done
        """;
}
