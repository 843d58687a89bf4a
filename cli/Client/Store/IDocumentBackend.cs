using Coast.ApiTypes.Model;

namespace Coast.Client.Store;

/// <summary>
/// Where resource documents live. <see cref="ResourceStore"/> holds the rules (merge, generation,
/// optimistic concurrency, all-or-nothing apply); a backend only reads rows and commits a batch of
/// changes in one transaction. Marten serves the controller; plain SQL over the same table serves
/// the CLI, which then starts without Marten's set-up and code generation (about 0.4 s a command).
/// </summary>
public interface IDocumentBackend
{
    Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct);
    Task<IReadOnlyList<ResourceDocument>> ListAsync(string kind, string? ns, CancellationToken ct);

    /// <summary>Makes sure the version guard function exists (once per process).</summary>
    Task EnsureGuardAsync(CancellationToken ct);

    IDocumentBatch Begin();
}

/// <summary>
/// Changes staged in order and committed in one transaction. A guarded change fails the whole commit
/// with SQLSTATE <see cref="VersionGuard.ConflictState"/> when the row moved on; an insert whose id is
/// taken fails it with <see cref="DuplicateDocumentException"/>.
/// </summary>
public interface IDocumentBatch : IAsyncDisposable
{
    Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct);
    void Insert(ResourceDocument doc);
    void Update(ResourceDocument doc, Guid expectedVersion);
    void Delete(string id, Guid? expectedVersion);
    void Notify(ResourceKey key);
    Task CommitAsync(CancellationToken ct);
}

/// <summary>An insert found its id already taken.</summary>
public sealed class DuplicateDocumentException(string id, Exception inner) : Exception($"document '{id}' already exists", inner);
