using Coast.ApiTypes.Model;
using Marten;
using Coast.Client.Store;

namespace Coast.Controller.Store;

/// <summary>Events in Marten: identical repeats are counted, and each resource keeps its newest 50.</summary>
public sealed class MartenEventRecorder(IDocumentStore documents) : IEventRecorder
{
    private const int KeepPerResource = 50;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public async Task RecordAsync(ResourceKey key, string type, string reason, string message, CancellationToken ct = default)
    {
        var k = key.ToString();
        var now = Clock.GetUtcNow();
        await using var session = documents.LightweightSession();
        var existing = await session.Query<EventDocument>()
            .Where(e => e.Key == k && e.Type == type && e.Reason == reason && e.Message == message)
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            existing.Count++;
            existing.LastTime = now;
            session.Store(existing);
        }
        else
        {
            session.Store(new EventDocument
            {
                Id = Guid.NewGuid(), Key = k, Type = type, Reason = reason, Message = message,
                FirstTime = now, LastTime = now, Count = 1,
            });
            var old = await session.Query<EventDocument>().Where(e => e.Key == k)
                .OrderByDescending(e => e.LastTime).Skip(KeepPerResource - 1).Select(e => e.Id).ToListAsync(ct);
            foreach (var id in old) session.Delete<EventDocument>(id);
        }
        await session.SaveChangesAsync(ct);
    }

    public async Task<int> DeleteOrphanedAsync(IReadOnlySet<string> liveKeys, DateTimeOffset before, CancellationToken ct = default)
    {
        await using var session = documents.LightweightSession();
        var keys = await session.Query<EventDocument>().Where(e => e.LastTime < before).Select(e => e.Key).ToListAsync(ct);
        var orphans = keys.Distinct().Where(k => !liveKeys.Contains(k)).ToList();
        foreach (var key in orphans) session.DeleteWhere<EventDocument>(e => e.Key == key && e.LastTime < before);
        await session.SaveChangesAsync(ct);
        return orphans.Count;
    }

    public async Task<IReadOnlyList<ResourceEvent>> ListAsync(ResourceKey key, int limit = 20, CancellationToken ct = default)
    {
        var k = key.ToString();
        await using var session = documents.QuerySession();
        var docs = await session.Query<EventDocument>().Where(e => e.Key == k)
            .OrderByDescending(e => e.LastTime).Take(limit).ToListAsync(ct);
        return docs.Select(e => new ResourceEvent(e.Key, e.Type, e.Reason, e.Message, e.LastTime, e.Count)).ToList();
    }
}
