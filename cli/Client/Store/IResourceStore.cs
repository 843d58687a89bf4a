using Coast.ApiTypes.Model;

namespace Coast.Client.Store;

/// <summary>
/// Durable home of desired and observed state. Every write is optimistic: a resource whose
/// metadata.resourceVersion is stale is rejected with <see cref="ConflictException"/>, never silently
/// overwritten. Every committed write sends a wake-up (Postgres NOTIFY) in the same transaction.
/// </summary>
public interface IResourceStore
{
    Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default);

    /// <summary>Lists resources of one kind; namespace null means every namespace.</summary>
    Task<IReadOnlyList<Resource>> ListAsync(string kind, string? ns = null, LabelSelector? selector = null, CancellationToken ct = default);

    /// <summary>Creates a resource: sets uid, generation 1, resourceVersion, creationTimestamp.
    /// Throws <see cref="AlreadyExistsException"/> when the key is taken.</summary>
    Task<Resource> CreateAsync(Resource resource, CancellationToken ct = default);

    /// <summary>Writes spec and metadata (not status). Bumps generation only when spec changed.
    /// Throws <see cref="ConflictException"/> on a stale resourceVersion, <see cref="NotFoundException"/> if gone.</summary>
    Task<Resource> UpdateAsync(Resource resource, CancellationToken ct = default);

    /// <summary>Writes status only; never bumps generation. Same concurrency rules as UpdateAsync.</summary>
    Task<Resource> UpdateStatusAsync(Resource resource, CancellationToken ct = default);

    /// <summary>Requests deletion: with finalizers present it sets deletionTimestamp and returns false;
    /// without, it removes the document and returns true. Throws <see cref="NotFoundException"/> if absent.</summary>
    Task<bool> DeleteAsync(ResourceKey key, CancellationToken ct = default);

    /// <summary>Creates or updates every resource in one transaction: all are written or none.
    /// A resource that carries metadata.resourceVersion is written only if that is still the stored version
    /// (else <see cref="ConflictException"/> and nothing is written); one without it is last-applied-wins.
    /// Existing resources keep their status.</summary>
    Task<IReadOnlyList<ApplyOutcome>> ApplyAsync(IReadOnlyList<Resource> resources, CancellationToken ct = default);

    /// <summary>
    /// One transaction for a whole change: <see cref="ChangeSet.Apply"/> with ApplyAsync's rules, then
    /// <see cref="ChangeSet.Delete"/> (a resource with finalizers is marked for deletion, one already gone is
    /// skipped), then <see cref="ChangeSet.Status"/> written with UpdateStatusAsync's rules (its resourceVersion
    /// must be current). Any conflict or error writes nothing of it. A GitSource's revision goes this way.
    /// </summary>
    Task<IReadOnlyList<ApplyOutcome>> CommitAsync(ChangeSet changes, CancellationToken ct = default);

    /// <summary>
    /// Streams the key of every committed write (from LISTEN/NOTIFY) until cancelled. Writes are seen only
    /// from the moment the listen is established: <paramref name="listening"/> is called then, and again after
    /// every reconnect, so a caller that lists what exists (a controller) lists after it and misses nothing.
    /// </summary>
    IAsyncEnumerable<ResourceKey> WatchAsync(CancellationToken ct, Action? listening = null);
}

/// <summary>What apply did to one resource.</summary>
public sealed record ApplyOutcome(ResourceKey Key, ApplyAction Action);

public enum ApplyAction { Created, Configured, Unchanged, Deleted, DeletionRequested, StatusWritten }

/// <summary>Writes that must commit together: applies, deletions, and status writes (each key at most once).</summary>
public sealed record ChangeSet(IReadOnlyList<Resource> Apply, IReadOnlyList<ResourceKey> Delete, IReadOnlyList<Resource> Status)
{
    public static ChangeSet Applying(IReadOnlyList<Resource> resources) => new(resources, [], []);
}
