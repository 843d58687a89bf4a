using Coast.ApiTypes.Remote;
using Coast.Controller.Ports;
using Coast.RemoteAgent.Runtime;
using Coast.RemoteAgent.Store;

namespace Coast.RemoteAgent.Reconcile;

/// <summary>
/// The remote ports held for shared services' reverse binds, in the ports table next to the service ports (as
/// "shared:NAME", so a shared service and a compose service of the same name never share a row). Allocated when the
/// PUT arrives, so the controller learns them from its answer and makes the binds while the DinD starts. Each bind
/// names the address to listen on: the engine's bridge gateway, so the machine's other networks never reach it.
/// </summary>
public sealed class SharedBindPorts(AgentStore store, PortAllocator ports, RemoteNetworks networks)
{
    private const string Prefix = "shared:";
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static string Key(string service) => Prefix + service;

    /// <summary>The keys of the ports table that the spec keeps (service ports and shared binds).</summary>
    public static IReadOnlyCollection<string> Kept(RemoteInstanceSpec spec) =>
        [.. spec.Ports.Keys, .. spec.SharedServices.Select(s => Key(s.Name))];

    /// <summary>Holds a port for every shared service of the spec (idempotent) and returns them by name.</summary>
    public async Task<List<RemoteSharedBind>> EnsureAsync(string project, string name, RemoteInstanceSpec spec)
    {
        await _gate.WaitAsync();
        try
        {
            var held = await store.PortsOfAsync(project, name);
            foreach (var shared in spec.SharedServices.Where(s => !held.ContainsKey(Key(s.Name))))
            {
                for (var attempt = 0; ; attempt++)
                {
                    var port = ports.Allocate(await store.AllPortsAsync());
                    if (await store.ReservePortAsync(project, name, Key(shared.Name), port)) { held[Key(shared.Name)] = port; break; }
                    if (attempt == 20) throw new InvalidOperationException($"could not reserve a remote port for shared service '{shared.Name}'");
                }
            }
            return Of(spec, held, spec.SharedServices.Count == 0 ? null : await networks.BridgeGatewayAsync(CancellationToken.None));
        }
        finally { _gate.Release(); }
    }

    /// <summary>The binds held now (none allocated here).</summary>
    public async Task<List<RemoteSharedBind>> HeldAsync(RemoteInstance instance) =>
        Of(instance.Spec, await store.PortsOfAsync(instance.Project, instance.Name),
            instance.Spec.SharedServices.Count == 0 ? null : await networks.BridgeGatewayAsync(CancellationToken.None));

    private static List<RemoteSharedBind> Of(RemoteInstanceSpec spec, Dictionary<string, int> held, string? bindAddress) =>
        [.. spec.SharedServices.Where(s => held.ContainsKey(Key(s.Name))).OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new RemoteSharedBind(s.Name, held[Key(s.Name)], bindAddress))];
}
