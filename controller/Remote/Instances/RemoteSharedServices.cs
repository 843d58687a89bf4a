using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Remote;
using Coast.Client.Store;
using Coast.Controller.Instances.Injection;
using Coast.Controller.SharedServices;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// What a remote instance gets from its project's shared services, which run on this machine. Inside the remote DinD
/// each service name resolves to an alias address (198.18.0.N, from the benchmarking range no network here uses),
/// whose own port the agent DNATs to the reverse bind; the bind (on the remote, port chosen by the agent) comes back
/// here to the service's address on the shared network. The injected URLs are the local ones (same name, same port),
/// so an app cannot tell; `file:` injections travel with the instance's other injected files.
/// </summary>
public sealed record RemoteSharedServices(
    SharedServiceWiring Compose, IReadOnlyList<RemoteSharedService> Services, IReadOnlyDictionary<string, (string Host, int Port)> Local,
    IReadOnlyList<InjectedFile> Files)
{
    public static RemoteSharedServices None { get; } = new(SharedServiceWiring.None, [], new Dictionary<string, (string, int)>(), []);

    /// <summary>The alias of the i-th shared service of the project (by name), the same on every pass.</summary>
    public static string Alias(int index) => $"198.18.{index / 250}.{index % 250 + 1}";

    public static async Task<RemoteSharedServices> ForAsync(IResourceStore store, Project project, string instance, CancellationToken ct)
    {
        if (project.Spec.SharedServices.Count == 0) return None;
        var local = await SharedServiceWiring.ForAsync(store, project, instance, ct);
        var names = project.Spec.SharedServices.Keys.Order(StringComparer.Ordinal).ToList();
        var services = new List<RemoteSharedService>();
        var targets = new Dictionary<string, (string, int)>();
        foreach (var shared in (await store.ListAsync(SharedService.KindName, project.Metadata.Name, null, ct)).Cast<SharedService>())
        {
            var i = names.IndexOf(shared.Spec.Service);
            if (i < 0 || shared.Spec.Stopped || !local.Hosts.TryGetValue(shared.Spec.Service, out var address)) continue;
            var port = SharedServicePlan.ServicePort(shared.Spec);
            if (port == 0) continue; // no port to reach it on
            services.Add(new RemoteSharedService { Name = shared.Spec.Service, Port = port, Alias = Alias(i) });
            targets[shared.Spec.Service] = (address, port);
        }
        services.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var hosts = services.ToDictionary(s => s.Name, s => s.Alias);
        var files = local.Files.Select(f => new InjectedFile($"shared-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(f.Key)))[..12]}", f.Key, f.Value)).ToList();
        // Files go with the injected files (mounted like them), so the compose wiring carries none.
        return new RemoteSharedServices(new SharedServiceWiring(hosts, local.Env, new Dictionary<string, string>()), services, targets, files);
    }

    /// <summary>The Tunnel's reverse binds: each agent-held remote port back to the service on this machine.</summary>
    public List<TunnelReverseBind> ReverseBinds(IReadOnlyList<RemoteSharedBind> held) =>
        [.. held.Where(b => Local.ContainsKey(b.Name)).Select(b => new TunnelReverseBind
        {
            // On the address the agent names (its engine's bridge gateway), so only the remote's containers reach it;
            // 0.0.0.0 only for an older agent that names none.
            Name = b.Name, RemotePort = b.RemotePort, BindAddress = b.BindAddress ?? "0.0.0.0", LocalHost = Local[b.Name].Host, LocalPort = Local[b.Name].Port,
        })];

    /// <summary>The instance's injected values with the shared `file:` injections added (their fingerprint covers both).</summary>
    public InjectedValues WithFiles(InjectedValues injected)
    {
        if (Files.Count == 0) return injected;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", Files.Select(f => $"{f.Target}={f.Content}")))))[..16];
        return new InjectedValues(injected.Env, [.. injected.Files, .. Files], $"{injected.Fingerprint}+{digest}");
    }
}
