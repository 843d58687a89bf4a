using System.Runtime.CompilerServices;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;

namespace Coast.Controller.Instances;

/// <summary>A container of ours stopped, died or was removed behind Coast's back: wake its Instance.</summary>
public sealed class DockerEventWakeSource(IContainerEvents events) : IWakeSource
{
    private static readonly HashSet<string> Interesting = ["die", "stop", "destroy", "kill", "oom", "start", "pause"];

    public string Kind => Instance.KindName;

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.EventsAsync(ct))
            if (Interesting.Contains(e.Action)
                && e.Labels.TryGetValue(CoastLabels.Project, out var project)
                && e.Labels.TryGetValue(CoastLabels.Instance, out var instance))
                yield return new ResourceKey(Instance.KindName, project, instance);
    }
}
