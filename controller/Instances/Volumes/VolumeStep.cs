using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.Instances.Volumes;

/// <summary>
/// Makes the host volumes of an instance's [volumes] exist before its container is created: shared ones once per
/// project (kept across instances), isolated ones per instance (removed with it by the instance finalizer, which
/// removes everything labelled for the instance). An isolated volume with snapshot_source is filled from that
/// volume when it is created; a copy that failed or was cut short is thrown away and done again.
/// </summary>
public sealed class VolumeStep(IContainerEngine engine, IVolumeSeeder seeder)
{
    public async Task EnsureAsync(Project project, Instance instance, string image, CancellationToken ct)
    {
        foreach (var volume in InstanceVolumes.For(project, instance))
        {
            var labels = InstanceVolumes.Labels(project, instance, volume);
            if (!volume.Isolated || volume.Spec.SnapshotSource is not { } seed)
            {
                await engine.EnsureVolumeAsync(volume.Name, labels, ct);
                continue;
            }
            if (await seeder.VolumeExistsAsync(volume.Name, ct) && !await seeder.SeedingUnfinishedAsync(volume.Name, ct)) continue;
            if (!await seeder.VolumeExistsAsync(seed, ct))
                throw new ReconcileFailedException(InstanceReasons.VolumeUnavailable,
                    $"volume '{volume.Key}': snapshot_source '{seed}' is not a volume on the host engine; create it (`docker volume create {seed}`) or remove snapshot_source");
            await engine.EnsureVolumeAsync(volume.Name, labels, ct);
            try { await seeder.CopyAsync(seed, volume.Name, image, labels, ct); }
            catch (ContainerEngineException e)
            {
                await engine.RemoveVolumeAsync(volume.Name, ct);
                throw new ReconcileFailedException(InstanceReasons.VolumeUnavailable, $"volume '{volume.Key}': {e.Message}");
            }
        }
    }
}
