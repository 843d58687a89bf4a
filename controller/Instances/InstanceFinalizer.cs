using Coast.ApiTypes.Model;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.Instances;

/// <summary>On deletion (a remote instance: through its host's agent): removes the instance's container, its DinD volume and anything else labelled for it, and the host directory of its inner engine's socket.</summary>
public sealed class InstanceFinalizer(IContainerEngine engine, Remote.Instances.RemoteInstanceReconciler? remote = null) : IFinalizer<Instance>
{
    public string Name => "coast.dev/instance-cleanup";

    public async Task<FinalizeResult> FinalizeAsync(Instance instance, CancellationToken ct)
    {
        if (instance.Spec.RemoteHost is not null && remote is not null) return await remote.FinalizeAsync(instance, ct);
        var p = instance.Metadata.Namespace;
        var i = instance.Metadata.Name;
        var labels = new Dictionary<string, string> { [CoastLabels.Project] = p, [CoastLabels.Instance] = i };
        await engine.RemoveAsync(CoastNames.InstanceContainer(p, i), ct);
        foreach (var c in await engine.ListAsync(labels, ct)) await engine.RemoveAsync(c.Name, ct);
        await engine.RemoveVolumeAsync(CoastNames.DindVolume(p, i), ct);
        foreach (var v in await engine.ListVolumesAsync(labels, ct)) await engine.RemoveVolumeAsync(v, ct);
        var socketDir = InnerEngineSocket.HostDir(p, i);
        if (Directory.Exists(socketDir)) Directory.Delete(socketDir, recursive: true);
        return FinalizeResult.Done;
    }
}
