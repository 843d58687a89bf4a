using System.Collections.Concurrent;
using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>
/// Decides which wake-ups reach the work queue, like controller-runtime's GenerationChangedPredicate plus
/// rate limiting. A store write wakes a key only when what a reconcile acts on changed since the last
/// reconcile read it (<see cref="WakeFingerprint"/>): a status-only write, such as the one a failing
/// reconcile makes to report its failure, does not wake its own key. An input change resets the key's
/// backoff and retries at once; outside events and the periodic resync leave a failing key to its
/// backoff schedule, so nothing but a change of the inputs retries a failure early.
/// </summary>
internal sealed class WakeFilter(Backoff backoff)
{
    private readonly ConcurrentDictionary<ResourceKey, WakeFingerprint> _seen = new();

    public Backoff Backoff => backoff;

    /// <summary>A reconcile is about to act on <paramref name="resource"/> (null: the key is gone).</summary>
    public void Observed(ResourceKey key, Resource? resource)
    {
        if (resource is null) _seen.TryRemove(key, out _);
        else _seen[key] = WakeFingerprint.Of(resource);
    }

    /// <summary>A committed write to the key: true when it should be reconciled now.</summary>
    public bool FromStore(ResourceKey key, Resource? current)
    {
        if (current is null)
        {
            // Gone: the reconcile that sees the absence forgets the key.
            _seen.TryRemove(key, out _);
            return true;
        }
        var now = WakeFingerprint.Of(current);
        if (_seen.TryGetValue(key, out var seen) && seen == now) return false;
        _seen[key] = now;
        backoff.Forget(key);
        return true;
    }

    /// <summary>An outside event (e.g. a container of ours died): only for keys that are not failing.</summary>
    public bool FromOutside(ResourceKey key) => backoff.Failures(key) == 0;

    /// <summary>The periodic resync: a failing key already has its retry scheduled.</summary>
    public bool FromResync(ResourceKey key) => backoff.Failures(key) == 0;
}

/// <summary>
/// What a reconcile reacts to: identity (a deleted and re-created resource has a new uid), spec generation,
/// deletion, labels and annotations. Status, resourceVersion and finalizer names are left out.
/// </summary>
internal sealed record WakeFingerprint(string? Uid, long Generation, DateTimeOffset? DeletionTimestamp, string Labels, string Annotations)
{
    public static WakeFingerprint Of(Resource r) => new(r.Metadata.Uid, r.Metadata.Generation, r.Metadata.DeletionTimestamp,
        Flatten(r.Metadata.Labels), Flatten(r.Metadata.Annotations));

    private static string Flatten(Dictionary<string, string> map) =>
        string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
