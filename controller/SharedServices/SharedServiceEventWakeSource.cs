using System.Runtime.CompilerServices;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.SharedServices;

/// <summary>A shared-service container stopped, died or was removed behind Coast's back: wake its SharedService.</summary>
public sealed class SharedServiceEventWakeSource(IContainerEvents events) : IWakeSource
{
    private static readonly HashSet<string> Interesting = ["die", "stop", "destroy", "kill", "oom", "pause"];

    public string Kind => SharedService.KindName;

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.EventsAsync(ct))
            if (Interesting.Contains(e.Action)
                && e.Labels.TryGetValue(CoastLabels.Project, out var project)
                && e.Labels.TryGetValue(SharedServicePlan.ServiceLabel, out var service))
                yield return new ResourceKey(SharedService.KindName, project, SharedServiceStep.ResourceName(service));
    }
}
