using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// Deletes resources whose owners (by ownerReferences: kind, name and uid in the same namespace) no
/// longer exist, and the events of resources that are gone. Sweeps periodically and shortly after any
/// write (coalesced), only while leading.
/// </summary>
internal sealed class GarbageCollector(IResourceStore store, ILeaderElector elector, ControllerOptions options,
    IEventRecorder events, ILogger<GarbageCollector> log) : BackgroundService
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(300);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(elector, RunAsync, () => { }, stoppingToken);

    private async Task RunAsync(CancellationToken ct)
    {
        var wake = new SemaphoreSlim(0);
        var watch = Task.Run(async () =>
        {
            await foreach (var _ in store.WatchAsync(ct)) if (wake.CurrentCount == 0) wake.Release();
        }, ct);
        while (true)
        {
            try { await SweepAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Garbage collection sweep failed"); }
            await wake.WaitAsync(options.GarbageCollectionPeriod, ct);
            await Task.Delay(Coalesce, ct);
            while (wake.CurrentCount > 0) await wake.WaitAsync(ct);
        }
    }

    /// <summary>One pass over every kind; returns the keys deleted.</summary>
    public async Task<IReadOnlyList<ResourceKey>> SweepAsync(CancellationToken ct)
    {
        var listedAt = DateTimeOffset.UtcNow;
        var all = new List<Resource>();
        foreach (var kind in ResourceKinds.All) all.AddRange(await store.ListAsync(kind.Kind, null, null, ct));
        var live = all.Where(r => r.Metadata.DeletionTimestamp is null)
            .Select(r => (r.Kind, r.Metadata.Namespace, r.Metadata.Name, r.Metadata.Uid)).ToHashSet();
        var deleted = new List<ResourceKey>();
        foreach (var orphan in all.Where(r => r.Metadata.OwnerReferences.Count > 0 && r.Metadata.DeletionTimestamp is null
                     && r.Metadata.OwnerReferences.All(o => !live.Contains((o.Kind, r.Metadata.Namespace, o.Name, (string?)o.Uid)))))
        {
            // Kinds are listed one after another: an owner created after its own kind was listed but before its
            // child's would look gone. Read each owner again before deleting anything.
            if (!await OwnersGoneAsync(orphan, ct)) continue;
            try
            {
                await store.DeleteAsync(orphan.Key, ct);
                deleted.Add(orphan.Key);
                await events.RecordAsync(orphan.Key, "Normal", "GarbageCollected", "owner no longer exists", ct);
            }
            catch (NotFoundException)
            {
            }
        }
        // Events of a resource that is gone can no longer be shown (`describe` needs the resource): drop them.
        await events.DeleteOrphanedAsync(all.Select(r => r.Key.ToString()).ToHashSet(), listedAt, ct);
        return deleted;
    }

    private async Task<bool> OwnersGoneAsync(Resource child, CancellationToken ct)
    {
        foreach (var owner in child.Metadata.OwnerReferences)
        {
            var current = await store.GetAsync(new ResourceKey(owner.Kind, child.Metadata.Namespace, owner.Name), ct);
            if (current is not null && current.Metadata.DeletionTimestamp is null && current.Metadata.Uid == owner.Uid) return false;
        }
        return true;
    }
}
