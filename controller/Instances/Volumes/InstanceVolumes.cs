using Coast.ApiTypes.Model;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;

namespace Coast.Controller.Instances.Volumes;

/// <summary>
/// One [volumes.NAME] as an instance uses it: the host volume (isolated: `coast--P--I--NAME`, per instance;
/// shared: `coast-shared--P--NAME`, per project) and where the DinD container mounts it: at the mount path itself
/// for a bare service, under <see cref="ComposeDir"/> for a compose service (whose volume then binds it there).
/// </summary>
public sealed record InstanceVolume(string Key, VolumeSpec Spec, string Name, string DindTarget, bool ForCompose)
{
    public const string ComposeDir = "/coast/volumes";

    public bool Isolated => Spec.Strategy == "isolated";
}

public static class InstanceVolumes
{
    public const string VolumeLabel = "coast.dev/volume";
    public const string StrategyLabel = "coast.dev/volume-strategy";

    public static IReadOnlyList<InstanceVolume> For(Project project, Instance instance) =>
        project.Spec.Volumes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var (key, spec) = (kv.Key, kv.Value);
            var name = spec.Strategy == "shared"
                ? CoastNames.SharedVolume(project.Metadata.Name, key)
                : CoastNames.IsolatedVolume(project.Metadata.Name, instance.Metadata.Name, key);
            var bare = project.Spec.Services.ContainsKey(spec.Service);
            return new InstanceVolume(key, spec, name, bare ? spec.Mount : $"{InstanceVolume.ComposeDir}/{key}", !bare);
        }).ToList();

    /// <summary>Isolated volumes carry the instance's labels (its finalizer removes them); shared ones only the project's.</summary>
    public static Dictionary<string, string> Labels(Project project, Instance instance, InstanceVolume volume)
    {
        var labels = volume.Isolated
            ? CoastLabels.ForInstance(project.Metadata.Name, instance.Metadata.Name, instance.Metadata.Uid ?? "")
            : new Dictionary<string, string> { [CoastLabels.Managed] = "true", [CoastLabels.Project] = project.Metadata.Name };
        labels[VolumeLabel] = volume.Key;
        labels[StrategyLabel] = volume.Spec.Strategy;
        return labels;
    }
}
