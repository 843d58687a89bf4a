using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Docker;

/// <summary>The shared-service part of the real engine: networks and plain service containers.</summary>
public sealed partial class DockerContainerEngine
{
    /// <summary>
    /// One network creation at a time: two shared services of one project reconciled together both found no
    /// network, the second create then failed on the first's subnet ("overlap") and took the next /24 under the
    /// same name (this engine allows duplicate names), leaving two networks that `rm` by name calls ambiguous.
    /// </summary>
    private readonly SemaphoreSlim _networkCreation = new(1, 1);

    public async Task EnsureNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        if (await NetworkExistsAsync(name, ct)) return;
        await _networkCreation.WaitAsync(ct);
        try { await CreateNetworkAsync(name, labels, ct); }
        finally { _networkCreation.Release(); }
    }

    private async Task<bool> NetworkExistsAsync(string name, CancellationToken ct)
    {
        var existing = await _client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        }, ct);
        return existing.Any(n => n.Name == name);
    }

    private async Task CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        if (await NetworkExistsAsync(name, ct)) return;
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
            catch (DockerApiException e) when (e.Message.Contains("overlap", StringComparison.OrdinalIgnoreCase) && attempt < 255)
            {
                // Another client (a second controller during a takeover) may have made it meanwhile.
                if (await NetworkExistsAsync(name, ct)) return;
            }
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
