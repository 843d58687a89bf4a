using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.SharedServices;

/// <summary>
/// The Instance reconciler's part of shared services. It writes the project's SharedService resources from the
/// Project (declaratively: the SharedService reconciler does the Docker work), waits until they are ready (and
/// auto_create_db made this instance's database), then joins the instance container to the project's shared
/// network. Inner containers reach a service by name through extra_hosts to its address on that network, through
/// the instance container, which masquerades that traffic (its inner engine's NAT covers eth0 only).
/// </summary>
public sealed class SharedServiceStep(IResourceStore store, IContainerEngine engine)
{
    /// <summary>The resource name of a shared service (a DNS label: '_' becomes '-').</summary>
    public static string ResourceName(string service) => service.Replace('_', '-');

    /// <summary>Creates or updates one SharedService per [shared_services] entry; spec.stopped and annotations are the user's and kept.</summary>
    public async Task EnsureResourcesAsync(Project project, CancellationToken ct)
    {
        foreach (var (service, def) in project.Spec.SharedServices)
        {
            var key = new ResourceKey(SharedService.KindName, project.Metadata.Name, ResourceName(service));
            var existing = await store.GetAsync(key, ct) as SharedService;
            if (existing?.Metadata.DeletionTimestamp is not null) continue;
            var spec = new SharedServiceSpec
            {
                Project = project.Metadata.Name, Service = service, Image = def.Image, Ports = [.. def.Ports], Volumes = [.. def.Volumes],
                Env = new Dictionary<string, string>(def.Env), AutoCreateDb = def.AutoCreateDb, Inject = def.Inject, Stopped = existing?.Spec.Stopped ?? false,
            };
            if (existing is null)
            {
                var created = new SharedService { Metadata = { Name = key.Name, Namespace = key.Namespace }, Spec = spec };
                Owners.Set(created, project);
                try { await store.CreateAsync(created, ct); }
                catch (AlreadyExistsException) { }
            }
            else if (ResourceJson.Canonical(existing.Spec) != ResourceJson.Canonical(spec))
            {
                existing.Spec = spec;
                await store.UpdateAsync(existing, ct);
            }
        }
    }

    /// <summary>
    /// Joins the instance to the shared network and writes <paramref name="wiring"/> into it once every running shared
    /// service is ready for it; null while one is still starting. The wiring is the one the compose file was rendered
    /// with; it is read again only when a service's address changed since (it became ready meanwhile), and the caller
    /// re-renders when the answer is not the wiring it passed. A shared service that failed fails the instance.
    /// </summary>
    public async Task<SharedServiceWiring?> WireAsync(Project project, Instance instance, string instanceContainer, SharedServiceWiring wiring, CancellationToken ct)
    {
        if (project.Spec.SharedServices.Count == 0) return wiring;
        var (ready, current) = await CheckAsync(store, project, instance, wiring, ct);
        if (!ready) return null;
        if (!current) wiring = await SharedServiceWiring.ForAsync(store, project, instance.Metadata.Name, ct);
        var network = CoastNames.SharedNetwork(project.Metadata.Name);
        await engine.ConnectNetworkAsync(network, instanceContainer, ct);
        // Data as arguments, never in the script: "/etc/hosts" lines for the DinD's own processes (bare services),
        // a MASQUERADE rule per address for the inner containers, then the injected files.
        string[] args = ["sh", "-c", WireScript, "coast-shared", .. wiring.Hosts.SelectMany(h => new[] { h.Key, h.Value }), "--"];
        var r = await engine.ExecAsync(instanceContainer, args, null, ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"wiring shared services into {instanceContainer} failed: {r.StandardError.Trim()}");
        foreach (var (path, value) in wiring.Files)
        {
            var w = await engine.ExecAsync(instanceContainer, ["sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\"", "coast-inject", path], value, ct);
            if (w.ExitCode != 0) throw new InvalidOperationException($"writing {path} into {instanceContainer} failed: {w.StandardError.Trim()}");
        }
        return wiring;
    }

    /// <summary>
    /// True once every running shared service of the project is ready for this instance (auto_create_db made its
    /// database); false while one is still starting. A shared service that failed fails the instance with its message.
    /// </summary>
    public static async Task<bool> ReadyForAsync(IResourceStore store, Project project, Instance instance, CancellationToken ct) =>
        (await CheckAsync(store, project, instance, null, ct)).Ready;

    /// <summary>Ready as <see cref="ReadyForAsync"/>; Current: every address in <paramref name="wiring"/> is the service's address now.</summary>
    private static async Task<(bool Ready, bool Current)> CheckAsync(IResourceStore store, Project project, Instance instance, SharedServiceWiring? wiring, CancellationToken ct)
    {
        var current = true;
        foreach (var service in project.Spec.SharedServices.Keys)
        {
            if (await store.GetAsync(new ResourceKey(SharedService.KindName, project.Metadata.Name, ResourceName(service)), ct) is not SharedService shared) return (false, false);
            if (wiring is not null && shared.Status.Address is { Length: > 0 } address && wiring.Hosts.GetValueOrDefault(shared.Spec.Service) != address) current = false;
            if (shared.Spec.Stopped) continue;
            var ready = Conditions.Get(shared.Status.Conditions, ConditionTypes.Ready);
            if (ready is { Status: ConditionStatus.False } && SharedServiceReasons.Failures.Contains(ready.Reason))
                throw new ReconcileFailedException(InstanceReasons.SharedServiceFailed, $"shared service '{service}': {ready.Message}");
            if (ready is not { Status: ConditionStatus.True } || shared.Status.ObservedGeneration != shared.Metadata.Generation) return (false, false);
            if (shared.Spec.AutoCreateDb && !shared.Status.Databases.Contains($"{instance.Metadata.Name}={SharedServiceDatabases.NameFor(instance.Metadata.Name)}")) return (false, false);
        }
        return (true, current);
    }

    private const string WireScript = """
        set -e
        while [ "$1" != "--" ]; do
          name="$1"; addr="$2"; shift 2
          grep -v " $name # coast-shared\$" /etc/hosts > /tmp/coast-hosts || true
          printf '%s %s # coast-shared\n' "$addr" "$name" >> /tmp/coast-hosts
          cat /tmp/coast-hosts > /etc/hosts
          iptables -t nat -C POSTROUTING -d "$addr/32" -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -d "$addr/32" -j MASQUERADE
        done
        """;
}
