using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Tests.Store;

/// <summary>Events in a list, identical repeats counted (like the Marten recorder).</summary>
public sealed class MemoryEventRecorder(TimeProvider clock) : IEventRecorder
{
    private readonly List<ResourceEvent> _events = new();

    public Task RecordAsync(ResourceKey key, string type, string reason, string message, CancellationToken ct = default)
    {
        lock (_events)
        {
            var i = _events.FindIndex(e => e.Key == key.ToString() && e.Type == type && e.Reason == reason && e.Message == message);
            if (i >= 0) _events[i] = _events[i] with { Count = _events[i].Count + 1, Time = clock.GetUtcNow() };
            else _events.Add(new ResourceEvent(key.ToString(), type, reason, message, clock.GetUtcNow(), 1));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ResourceEvent>> ListAsync(ResourceKey key, int limit = 20, CancellationToken ct = default)
    {
        lock (_events)
            return Task.FromResult<IReadOnlyList<ResourceEvent>>(_events.Where(e => e.Key == key.ToString()).OrderByDescending(e => e.Time).Take(limit).ToList());
    }

    /// <summary>Every event of the key, oldest first.</summary>
    public IReadOnlyList<ResourceEvent> Of(ResourceKey key)
    {
        lock (_events) return _events.Where(e => e.Key == key.ToString()).ToList();
    }

    public Task<int> DeleteOrphanedAsync(IReadOnlySet<string> liveKeys, DateTimeOffset before, CancellationToken ct = default) => Task.FromResult(0);
}
