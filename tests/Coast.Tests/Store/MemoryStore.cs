using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Tests.Store;

/// <summary>
/// The real <see cref="ResourceStore"/> (merge, generation, optimistic concurrency) over documents in memory, with
/// watches fed by its commits: for unit tests of reconcilers and the runtime, no Postgres.
/// </summary>
public sealed class MemoryStore : IResourceStore
{
    private readonly MemoryDocumentBackend _backend = new();
    private readonly ResourceStore _store;

    public MemoryStore(TimeProvider clock)
    {
        // Never listened on: WatchAsync below serves the commits of the memory backend.
        _store = new ResourceStore(_backend, new ChangeNotifications("Host=unused", "memory")) { Clock = clock };
    }

    public Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default) => _store.GetAsync(key, ct);
    public Task<IReadOnlyList<Resource>> ListAsync(string kind, string? ns = null, LabelSelector? selector = null, CancellationToken ct = default) =>
        _store.ListAsync(kind, ns, selector, ct);
    public Task<Resource> CreateAsync(Resource resource, CancellationToken ct = default) => _store.CreateAsync(resource, ct);
    public Task<Resource> UpdateAsync(Resource resource, CancellationToken ct = default) => _store.UpdateAsync(resource, ct);
    public Task<Resource> UpdateStatusAsync(Resource resource, CancellationToken ct = default) => _store.UpdateStatusAsync(resource, ct);
    public Task<bool> DeleteAsync(ResourceKey key, CancellationToken ct = default) => _store.DeleteAsync(key, ct);
    public Task<IReadOnlyList<ApplyOutcome>> ApplyAsync(IReadOnlyList<Resource> resources, CancellationToken ct = default) => _store.ApplyAsync(resources, ct);
    public Task<IReadOnlyList<ApplyOutcome>> CommitAsync(ChangeSet changes, CancellationToken ct = default) => _store.CommitAsync(changes, ct);

    /// <summary>How many writes were committed (status-only ones included).</summary>
    public int Commits => _backend.Commits;

    /// <summary>How many watches were started (a waiter that needs none starts none).</summary>
    public int Watches => _watches;
    private int _watches;

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct, Action? listening = null)
    {
        Interlocked.Increment(ref _watches);
        var keys = Channel.CreateUnbounded<ResourceKey>();
        void OnCommit(ResourceKey k) => keys.Writer.TryWrite(k);
        _backend.Committed += OnCommit;
        try
        {
            listening?.Invoke();
            await foreach (var key in keys.Reader.ReadAllAsync(ct)) yield return key;
        }
        finally { _backend.Committed -= OnCommit; }
    }
}
