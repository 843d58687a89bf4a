using Coast.ApiTypes.Model;
using Coast.Controller.Docker;

namespace Coast.Tests.Docker.Fakes;

/// <summary>
/// One fake machine for reconciler unit tests: a host engine, the inner engines of its DinD containers (their state
/// lives with the data volume, as /var/lib/docker does), the host's container events and a port probe that answers
/// for the host ports of a running instance whose services all run. Failures are switches on these objects.
/// </summary>
public sealed class FakeDocker
{
    public FakeDocker()
    {
        Host = new FakeContainerEngine(this);
        InnerEngines = new FakeInnerEngineFactory(this);
        Events = new FakeContainerEvents();
        Ports = new FakePortProbe(this);
    }

    /// <summary>Guards every fake's state: reconcilers probe ports and start containers in parallel.</summary>
    internal object Sync { get; } = new();

    public FakeContainerEngine Host { get; }
    public FakeInnerEngineFactory InnerEngines { get; }
    public FakeContainerEvents Events { get; }
    public FakePortProbe Ports { get; }

    /// <summary>The inner engine state kept in a DinD data volume, made when first used.</summary>
    internal Dictionary<string, FakeInnerState> InnerByVolume { get; } = new();

    /// <summary>The inner engine of an instance (its data volume's), or null when it has none.</summary>
    public FakeInnerState? Inner(string project, string instance)
    {
        lock (Sync) return InnerByVolume.GetValueOrDefault(CoastNames.DindVolume(project, instance));
    }

    /// <summary>Everything still there: containers, volumes and inner containers, for "nothing leaked" assertions.</summary>
    public string Inventory()
    {
        lock (Sync)
            return string.Join("; ", Host.Containers.Keys.Order().Select(c => $"container {c}")
                .Concat(Host.Volumes.Keys.Order().Select(v => $"volume {v}"))
                .Concat(InnerByVolume.Where(kv => Host.Volumes.ContainsKey(kv.Key))
                    .SelectMany(kv => kv.Value.Containers.Select(c => $"inner {c.Service} ({c.State}) in {kv.Key}"))));
    }
}
