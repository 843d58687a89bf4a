using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// Maps a change of a watched resource to the keys of the reconciled kind it concerns (controller-runtime's
/// EnqueueRequestsFromMapFunc). <paramref name="current"/> is the changed resource as stored now, or null
/// when it was deleted.
/// </summary>
public delegate Task<IEnumerable<ResourceKey>> WatchMap(ResourceKey changed, Resource? current, IResourceStore store, CancellationToken ct);

/// <summary>One declared watch: changes of <paramref name="SourceKind"/> wake keys of <paramref name="TargetKind"/> through <paramref name="Map"/>.</summary>
public sealed record ResourceWatch(string TargetKind, string SourceKind, WatchMap Map);
