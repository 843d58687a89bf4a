using System.Collections.Concurrent;
using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>Counts and times reconciles per key: for tests, benchmarks and `describe`-style diagnostics.</summary>
public sealed class ReconcileMonitor
{
    private readonly ConcurrentDictionary<ResourceKey, int> _started = new();

    public event Action<ResourceKey>? ReconcileStarted;
    public event Action<ResourceKey>? ReconcileSucceeded;
    public event Action<ResourceKey, Exception>? ReconcileFailed;

    /// <summary>A failed key's next attempt was scheduled after this delay (its backoff).</summary>
    public event Action<ResourceKey, TimeSpan>? RetryScheduled;

    public int StartedCount(ResourceKey key) => _started.GetValueOrDefault(key);

    internal void Started(ResourceKey key)
    {
        _started.AddOrUpdate(key, 1, (_, n) => n + 1);
        ReconcileStarted?.Invoke(key);
    }

    internal void Succeeded(ResourceKey key) => ReconcileSucceeded?.Invoke(key);
    internal void Failed(ResourceKey key, Exception e) => ReconcileFailed?.Invoke(key, e);
    internal void Retrying(ResourceKey key, TimeSpan delay) => RetryScheduled?.Invoke(key, delay);
}
