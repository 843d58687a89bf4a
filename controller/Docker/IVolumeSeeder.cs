namespace Coast.Controller.Docker;

/// <summary>Copies one host volume's content into another (snapshot_source), with a short-lived helper container.</summary>
public interface IVolumeSeeder
{
    Task<bool> VolumeExistsAsync(string volume, CancellationToken ct);

    /// <summary>True when a copy into <paramref name="target"/> was started and never finished (its helper container is still there).</summary>
    Task<bool> SeedingUnfinishedAsync(string target, CancellationToken ct);

    /// <summary>Empties <paramref name="target"/>, then copies everything (owners, modes) from <paramref name="source"/> into <paramref name="target"/> using <paramref name="image"/>'s cp; a failure is a <see cref="ContainerEngineException"/>.</summary>
    Task CopyAsync(string source, string target, string image, IReadOnlyDictionary<string, string> labels, CancellationToken ct);
}
