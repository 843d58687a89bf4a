using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Microsoft.Extensions.Logging;
using System.Runtime.CompilerServices;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// The declared watches of one reconciled kind, as a wake source: one LISTEN stream, each change of a
/// watched kind read once and mapped to the keys it concerns. A mapping that fails skips that change
/// (logged); the resync covers it.
/// </summary>
internal sealed class StoreWatchSource<TResource>(IResourceStore store, IEnumerable<ResourceWatch> watches,
    ILogger<StoreWatchSource<TResource>> log) : IWakeSource where TResource : Resource
{
    public string Kind { get; } = ResourceKinds.All.Single(k => k.ClrType == typeof(TResource)).Kind;

    private IReadOnlyList<ResourceWatch> Mine => _mine ??= watches.Where(w => w.TargetKind == Kind).ToList();
    private IReadOnlyList<ResourceWatch>? _mine;

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var changed in store.WatchAsync(ct))
        {
            var relevant = Mine.Where(w => w.SourceKind == changed.Kind).ToList();
            if (relevant.Count == 0) continue;
            var targets = new HashSet<ResourceKey>();
            try
            {
                var current = await store.GetAsync(changed, ct);
                foreach (var watch in relevant) targets.UnionWith(await watch.Map(changed, current, store, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Watch of {Source} for {Kind} failed on {Key}: {Message}", changed.Kind, Kind, changed, e.Message);
            }
            foreach (var target in targets) yield return target;
        }
    }
}
