namespace Coast.Controller.Docker;

/// <summary>The slice of a Docker engine the reconcilers use; small, so reconcilers can be tested against a fake.</summary>
public interface IContainerEngine
{
    Task<ContainerState?> InspectAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<ContainerState>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct);
    Task CreateDindAsync(DindContainerSpec spec, CancellationToken ct);
    Task StartAsync(string name, CancellationToken ct);
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

    IAsyncEnumerable<ContainerEvent> EventsAsync(CancellationToken ct);
}
