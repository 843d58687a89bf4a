using Coast.ApiTypes.Model;

namespace Coast.Controller.Store;

/// <summary>Records what the controller did to a resource and why; `coast describe` shows them.</summary>
public interface IEventRecorder
{
    Task RecordAsync(ResourceKey key, string type, string reason, string message, CancellationToken ct = default);
    Task<IReadOnlyList<ResourceEvent>> ListAsync(ResourceKey key, int limit = 20, CancellationToken ct = default);
}

/// <summary>One event: type is Normal or Warning; reason is CamelCase.</summary>
public sealed record ResourceEvent(string Key, string Type, string Reason, string Message, DateTimeOffset Time, int Count);
