namespace Coast.Controller.Docker;

/// <summary>
/// The host Docker engine: the slice of it the reconcilers use, small so they can be tested against a fake.
/// Its container events are <see cref="IContainerEvents"/>; an instance's inner engine is <see cref="IInnerEngine"/>.
/// </summary>
public interface IContainerEngine
{
    Task<ContainerState?> InspectAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<ContainerState>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct);
    /// <summary>Creates an instance's DinD container (and the host directory of its inner engine's socket, which it mounts).</summary>
    Task CreateDindAsync(DindContainerSpec spec, CancellationToken ct);

    /// <summary>Starts an instance's DinD container (the socket directory made again if it went); a published host port another
    /// program holds is a <see cref="HostPortTakenException"/>.</summary>
    Task StartDindAsync(DindContainerSpec spec, CancellationToken ct);
    Task StopAsync(string name, TimeSpan timeout, CancellationToken ct);
    Task RemoveAsync(string name, CancellationToken ct);

    Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct);
    Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct);
    Task RemoveVolumeAsync(string name, CancellationToken ct);

    Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> command, string? stdin, CancellationToken ct);
    Task<bool> ImageExistsAsync(string image, CancellationToken ct);

    /// <summary>The id of the image a tag names now, or null when there is none.</summary>
    Task<string?> ImageIdAsync(string image, CancellationToken ct);

    /// <summary>The tags matching a reference pattern (`coast-p/*:b-1`), as `docker images --filter reference=` does.</summary>
    Task<IReadOnlyList<string>> ImageTagsAsync(string referencePattern, CancellationToken ct);

    /// <summary>Removes a tag (the image too when it was the last); a missing one is fine, one in use by a container fails.</summary>
    Task RemoveImageAsync(string image, CancellationToken ct);

    /// <summary>Builds and tags an image; a failed build leaves nothing behind and is an <see cref="Images.ImageBuildException"/>.</summary>
    Task BuildImageAsync(ImageBuildRequest request, IProgress<string> progress, CancellationToken ct);

    // Shared services: plain containers on a per-project network that instance containers join.
    Task EnsureNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct);
    /// <summary>Removes a network; a missing one is fine; one still in use is left (false).</summary>
    Task<bool> RemoveNetworkAsync(string name, CancellationToken ct);
    /// <summary>Joins a container to a network (nothing when it already is).</summary>
    Task ConnectNetworkAsync(string network, string container, CancellationToken ct);
    /// <summary>The container's IPv4 address on a network, or null when it is not on it.</summary>
    Task<string?> NetworkAddressAsync(string container, string network, CancellationToken ct);
    Task CreateServiceContainerAsync(ServiceContainerSpec spec, CancellationToken ct);
    /// <summary>Starts any container; a published host port another program holds is a <see cref="HostPortTakenException"/>.</summary>
    Task StartAsync(string name, CancellationToken ct);
}
