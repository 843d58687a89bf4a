using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Docker;

/// <summary>The shared-service part of the real engine: networks and plain service containers.</summary>
public sealed partial class DockerContainerEngine
{
    public async Task EnsureNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var existing = await _client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        }, ct);
        if (existing.Any(n => n.Name == name)) return;
        // The subnet must not be one the inner engines use (172.17-31.x, 192.168.x): an inner compose network on the
        // same range would swallow the traffic to the shared service. A /24 of 10.213.0.0/16 picked by the name, the
        // next one when another network holds it.
        var start = (int)System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))[0];
        for (var attempt = 0; ; attempt++)
        {
            var subnet = $"10.213.{(start + attempt) % 256}.0/24";
            try
            {
                await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = name, Driver = "bridge", CheckDuplicate = true, Labels = CoastLabels.Stamp(labels),
                    IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet }] },
                }, ct);
                return;
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict) { return; }
            catch (DockerApiException e) when (e.Message.Contains("overlap", StringComparison.OrdinalIgnoreCase) && attempt < 255) { }
        }
    }

    public async Task<bool> RemoveNetworkAsync(string name, CancellationToken ct)
    {
        try
        {
            await _client.Networks.DeleteNetworkAsync(name, ct);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return true; }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden || e.Message.Contains("active endpoints")) { return false; }
    }

    public async Task ConnectNetworkAsync(string network, string container, CancellationToken ct)
    {
        if (await NetworkAddressAsync(container, network, ct) is not null) return;
        try { await _client.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters { Container = container }, ct); }
        catch (DockerApiException e) when (e.Message.Contains("already exists")) { }
    }

    public async Task<string?> NetworkAddressAsync(string container, string network, CancellationToken ct)
    {
        try
        {
            var c = await _client.Containers.InspectContainerAsync(container, ct);
            return c.NetworkSettings?.Networks is { } nets && nets.TryGetValue(network, out var n) && n.IPAddress is { Length: > 0 } ip ? ip
                : c.NetworkSettings?.Networks?.ContainsKey(network) == true ? "" : null;
        }
        catch (DockerContainerNotFoundException) { return null; }
    }

    public async Task CreateServiceContainerAsync(ServiceContainerSpec spec, CancellationToken ct)
    {
        await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Labels = CoastLabels.Stamp(spec.Labels),
            Env = spec.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            ExposedPorts = spec.Ports.ToDictionary(p => $"{p.ContainerPort}/tcp", _ => new EmptyStruct()),
            HostConfig = new HostConfig
            {
                Binds = spec.Volumes.ToList(),
                PortBindings = spec.Ports.ToDictionary(
                    p => $"{p.ContainerPort}/tcp",
                    p => (IList<PortBinding>)[new PortBinding { HostPort = p.HostPort.ToString() }]),
                NetworkMode = spec.Network,
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [spec.Network] = new() { Aliases = [spec.Alias] } },
            },
        }, ct);
    }

    public async Task StartAsync(string name, CancellationToken ct)
    {
        try { await _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), ct); }
        catch (DockerApiException e) when (e.Message.Contains("port is already allocated") || e.Message.Contains("address already in use"))
        {
            throw new HostPortTakenException(e.Message, e);
        }
    }
}
