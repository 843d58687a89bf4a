using Coast.Controller.Docker;

namespace Coast.Tests.Docker.Fakes;

/// <summary>Networks and plain service containers (shared services) of the fake host engine.</summary>
public sealed partial class FakeContainerEngine
{
    /// <summary>Networks by name, with the containers joined to each.</summary>
    public Dictionary<string, HashSet<string>> Networks { get; } = new();

    public Task EnsureNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        Hit("EnsureNetwork", ct);
        lock (docker.Sync) Networks.TryAdd(name, new HashSet<string>());
        return Task.CompletedTask;
    }

    public Task<bool> RemoveNetworkAsync(string name, CancellationToken ct)
    {
        Hit("RemoveNetwork", ct);
        lock (docker.Sync)
        {
            if (Networks.TryGetValue(name, out var members) && members.Any(Containers.ContainsKey)) return Task.FromResult(false);
            Networks.Remove(name);
            return Task.FromResult(true);
        }
    }

    public Task ConnectNetworkAsync(string network, string container, CancellationToken ct)
    {
        Hit("ConnectNetwork", ct);
        lock (docker.Sync)
        {
            Get(container);
            if (!Networks.TryGetValue(network, out var members)) throw new ContainerEngineException($"network {network} not found");
            members.Add(container);
        }
        return Task.CompletedTask;
    }

    public Task<string?> NetworkAddressAsync(string container, string network, CancellationToken ct)
    {
        Hit("NetworkAddress", ct);
        lock (docker.Sync)
            return Task.FromResult(Networks.TryGetValue(network, out var m) && m.Contains(container) && Containers.ContainsKey(container)
                ? $"10.99.0.{(uint)container.GetHashCode() % 250 + 2}" : null);
    }

    public Task CreateServiceContainerAsync(ServiceContainerSpec spec, CancellationToken ct)
    {
        Hit("CreateService", ct);
        lock (docker.Sync)
        {
            if (Containers.ContainsKey(spec.Name)) throw new ContainerEngineException($"Conflict. The container name \"/{spec.Name}\" is already in use");
            if (!Images.TryGetValue(spec.Image, out var image)) throw new ContainerEngineException($"No such image: {spec.Image}");
            if (!Networks.TryGetValue(spec.Network, out var members)) throw new ContainerEngineException($"network {spec.Network} not found");
            var dind = new DindContainerSpec(spec.Name, spec.Image, "", "", "", spec.Labels, spec.Environment, spec.Ports, DindPrivilegeProfile.CapAllMinusSysResource);
            Containers[spec.Name] = new FakeContainer(NewId(""), dind, CoastLabels.Stamp(spec.Labels), image);
            members.Add(spec.Name);
        }
        return Task.CompletedTask;
    }

    public Task StartAsync(string name, CancellationToken ct)
    {
        Hit("Start", ct);
        lock (docker.Sync)
        {
            var c = Get(name);
            if (c.Spec.Ports.FirstOrDefault(p => TakenHostPorts.Contains(p.HostPort)) is { HostPort: > 0 } taken)
                throw new HostPortTakenException($"driver failed programming external connectivity: Bind for 0.0.0.0:{taken.HostPort} failed: port is already allocated");
            c.Running = true;
        }
        return Task.CompletedTask;
    }
}
