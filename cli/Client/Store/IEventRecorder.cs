using Coast.ApiTypes.Model;

namespace Coast.Client.Store;

/// <summary>Records what the controller did to a resource and why; `coast describe` shows them.</summary>
public interface IEventRecorder : IEventReader
{
    Task RecordAsync(ResourceKey key, string type, string reason, string message, CancellationToken ct = default);

    /// <summary>
    /// Deletes the events of resources that no longer exist: every event last seen before
    /// <paramref name="before"/> whose key is not in <paramref name="liveKeys"/> (listed at that time, so
    /// events of a resource created since are kept). Returns how many were deleted.
    /// </summary>
    Task<int> DeleteOrphanedAsync(IReadOnlySet<string> liveKeys, DateTimeOffset before, CancellationToken ct = default);
}

/// <summary>Reads the events recorded for a resource, newest first.</summary>
public interface IEventReader
{
    Task<IReadOnlyList<ResourceEvent>> ListAsync(ResourceKey key, int limit = 20, CancellationToken ct = default);
}

/// <summary>One event: type is Normal or Warning; reason is CamelCase.</summary>
public sealed record ResourceEvent(string Key, string Type, string Reason, string Message, DateTimeOffset Time, int Count);
