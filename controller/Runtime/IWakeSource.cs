using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>Something outside the store whose changes should wake reconciles (e.g. Docker events).</summary>
public interface IWakeSource
{
    /// <summary>The kind whose keys this source yields.</summary>
    string Kind { get; }

    IAsyncEnumerable<ResourceKey> WatchAsync(CancellationToken ct);
}
