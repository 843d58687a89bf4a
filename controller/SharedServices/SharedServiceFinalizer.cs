using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.SharedServices;

/// <summary>
/// On deletion: removes the container; its named volumes stay (shared data outlives `rm`) unless the
/// remove-volumes annotation asks for them; the project's shared network goes once nothing is on it.
/// </summary>
public sealed class SharedServiceFinalizer(IContainerEngine engine) : IFinalizer<SharedService>
{
    public string Name => "coast.dev/shared-service-cleanup";

    public async Task<FinalizeResult> FinalizeAsync(SharedService shared, CancellationToken ct)
    {
        var plan = SharedServicePlan.For(shared);
        await engine.RemoveAsync(plan.Container.Name, ct);
        if (shared.Metadata.Annotations.GetValueOrDefault(SharedService.RemoveVolumesAnnotation) == "true")
            foreach (var volume in await engine.ListVolumesAsync(plan.Labels, ct)) await engine.RemoveVolumeAsync(volume, ct);
        await engine.RemoveNetworkAsync(plan.Container.Network, ct);
        return FinalizeResult.Done;
    }
}
