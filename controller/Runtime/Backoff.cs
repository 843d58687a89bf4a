using System.Collections.Concurrent;
using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>Per-key exponential backoff with ±20% jitter: base, 2x base, 4x base ... capped; reset by Forget.</summary>
internal sealed class Backoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    private readonly ConcurrentDictionary<ResourceKey, int> _failures = new();

    public TimeSpan Next(ResourceKey key)
    {
        var n = _failures.AddOrUpdate(key, 1, (_, f) => Math.Min(f + 1, 40));
        var raw = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, n - 1));
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, raw * jitter));
    }

    public int Failures(ResourceKey key) => _failures.GetValueOrDefault(key);

    public void Forget(ResourceKey key) => _failures.TryRemove(key, out _);
}
