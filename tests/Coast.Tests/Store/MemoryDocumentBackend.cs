using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Npgsql;
using Coast.Client.Store;

namespace Coast.Tests.Store;

/// <summary>Documents in a dictionary; a batch commits under a lock and fails like the SQL backends do (version guard, duplicate id).</summary>
public sealed class MemoryDocumentBackend : IDocumentBackend
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ResourceDocument> _docs = new();

    public event Action<ResourceKey>? Committed;
    public int Commits { get; private set; }

    public Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_docs.TryGetValue(id, out var d) ? Copy(d) : null);
    }

    public Task<IReadOnlyList<ResourceDocument>> ListAsync(string kind, string? ns, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ResourceDocument>>(_docs.Values
                .Where(d => d.Kind == kind && (ns is null || d.Namespace == ns)).Select(Copy).ToList());
    }

    public Task EnsureGuardAsync(CancellationToken ct) => Task.CompletedTask;

    public IDocumentBatch Begin() => new Batch(this);

    private static ResourceDocument Copy(ResourceDocument d) =>
        new() { Id = d.Id, Kind = d.Kind, Namespace = d.Namespace, Name = d.Name, Body = d.Body, Version = d.Version };

    private void Commit(List<Action<Dictionary<string, ResourceDocument>>> checks, List<Action<Dictionary<string, ResourceDocument>>> changes, List<ResourceKey> notify)
    {
        lock (_lock)
        {
            foreach (var check in checks) check(_docs);
            foreach (var change in changes) change(_docs);
            Commits++;
        }
        foreach (var key in notify) Committed?.Invoke(key);
    }

    private static PostgresException Conflict(string id) =>
        new($"resource {id} was modified concurrently", "ERROR", "ERROR", VersionGuard.ConflictState);

    private sealed class Batch(MemoryDocumentBackend backend) : IDocumentBatch
    {
        private readonly List<Action<Dictionary<string, ResourceDocument>>> _checks = new();
        private readonly List<Action<Dictionary<string, ResourceDocument>>> _changes = new();
        private readonly List<ResourceKey> _notify = new();

        public Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct) => backend.LoadAsync(id, ct);

        public void Insert(ResourceDocument doc)
        {
            var d = Copy(doc);
            _checks.Add(docs => { if (docs.ContainsKey(d.Id)) throw new DuplicateDocumentException(d.Id, new InvalidOperationException("duplicate key")); });
            _changes.Add(docs => { d.Version = Guid.NewGuid(); docs[d.Id] = d; });
        }

        public void Update(ResourceDocument doc, Guid expectedVersion)
        {
            var d = Copy(doc);
            _checks.Add(docs => { if (!docs.TryGetValue(d.Id, out var cur) || cur.Version != expectedVersion) throw Conflict(d.Id); });
            _changes.Add(docs => { d.Version = Guid.NewGuid(); docs[d.Id] = d; });
        }

        public void Delete(string id, Guid? expectedVersion)
        {
            _checks.Add(docs => { if (expectedVersion is { } v && (!docs.TryGetValue(id, out var cur) || cur.Version != v)) throw Conflict(id); });
            _changes.Add(docs => docs.Remove(id));
        }

        public void Notify(ResourceKey key) => _notify.Add(key);

        public Task CommitAsync(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            backend.Commit(_checks, _changes, _notify);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
