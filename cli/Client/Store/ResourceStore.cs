using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;

namespace Coast.Client.Store;

/// <summary>
/// IResourceStore over a document backend: optimistic concurrency on every write, NOTIFY in the same
/// transaction, generation and merge rules from <see cref="ResourceMerge"/>.
/// </summary>
public sealed class ResourceStore(IDocumentBackend backend, ChangeNotifications notifications) : IResourceStore
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Test hook: runs after an apply is staged and before it commits (to inject a concurrent write).</summary>
    internal Func<Task>? BeforeApplyCommit { get; set; }

    public async Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default) =>
        await backend.LoadAsync(key.ToString(), ct) is { } doc ? ToResource(doc) : null;

    public async Task<IReadOnlyList<Resource>> ListAsync(string kind, string? ns = null, LabelSelector? selector = null, CancellationToken ct = default) =>
        (await backend.ListAsync(kind, ns, ct)).Select(ToResource)
            .Where(r => selector is null || selector.Matches(r.Metadata.Labels))
            .OrderBy(r => r.Metadata.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();

    public async Task<Resource> CreateAsync(Resource resource, CancellationToken ct = default)
    {
        var created = ResourceMerge.ForCreate(resource, Clock.GetUtcNow());
        await using (var batch = backend.Begin())
        {
            batch.Insert(ToDocument(created));
            batch.Notify(created.Key);
            try
            {
                await batch.CommitAsync(ct);
            }
            catch (DuplicateDocumentException)
            {
                throw new AlreadyExistsException(created.Key);
            }
        }
        return await GetAsync(created.Key, ct) ?? throw new NotFoundException(created.Key);
    }

    public Task<Resource> UpdateAsync(Resource resource, CancellationToken ct = default) =>
        WriteAsync(resource, ResourceMerge.ForUpdate, ct);

    public Task<Resource> UpdateStatusAsync(Resource resource, CancellationToken ct = default) =>
        WriteAsync(resource, ResourceMerge.ForStatus, ct);

    public async Task<bool> DeleteAsync(ResourceKey key, CancellationToken ct = default)
    {
        await backend.EnsureGuardAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            await using var batch = backend.Begin();
            var doc = await batch.LoadAsync(key.ToString(), ct) ?? throw new NotFoundException(key);
            var stored = ToResource(doc);
            if (stored.Metadata.Finalizers.Count == 0)
            {
                batch.Delete(doc.Id, expectedVersion: null);
                batch.Notify(key);
                await batch.CommitAsync(ct);
                return true;
            }
            if (stored.Metadata.DeletionTimestamp is not null) return false;
            stored.Metadata.DeletionTimestamp = Clock.GetUtcNow();
            batch.Update(ToDocument(stored), doc.Version);
            batch.Notify(key);
            try
            {
                await batch.CommitAsync(ct);
                return false;
            }
            catch (Exception e) when (VersionGuard.IsConflict(e) && attempt < 5)
            {
                // Someone wrote in between (typically a status update); marking deletion is safe to retry.
            }
        }
    }

    public Task<IReadOnlyList<ApplyOutcome>> ApplyAsync(IReadOnlyList<Resource> resources, CancellationToken ct = default) =>
        CommitAsync(ChangeSet.Applying(resources), ct);

    public async Task<IReadOnlyList<ApplyOutcome>> CommitAsync(ChangeSet changes, CancellationToken ct = default)
    {
        await backend.EnsureGuardAsync(ct);
        var keys = changes.Apply.Select(r => r.Key).Concat(changes.Delete).Concat(changes.Status.Select(r => r.Key));
        var duplicate = keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{duplicate.Key} appears more than once in one apply.");
        await using var batch = backend.Begin();
        var outcomes = new List<ApplyOutcome>();
        foreach (var incoming in changes.Apply)
        {
            var doc = await batch.LoadAsync(incoming.Key.ToString(), ct);
            // A document that says which version it was read at is applied only onto that version (kubectl's
            // rule); throwing before the commit leaves every document of this apply unwritten.
            if (incoming.Metadata.ResourceVersion is { Length: > 0 } read && read != doc?.Version.ToString())
                throw ConflictException.Stale(incoming.Key, read, deleted: doc is null);
            if (doc is null)
            {
                batch.Insert(ToDocument(ResourceMerge.ForCreate(incoming, Clock.GetUtcNow())));
                batch.Notify(incoming.Key);
                outcomes.Add(new ApplyOutcome(incoming.Key, ApplyAction.Created));
                continue;
            }
            var stored = ToResource(doc);
            var merged = ResourceMerge.ForApply(stored, incoming);
            if (!ResourceMerge.Differs(stored, merged))
            {
                outcomes.Add(new ApplyOutcome(incoming.Key, ApplyAction.Unchanged));
                continue;
            }
            batch.Update(ToDocument(merged), doc.Version);
            batch.Notify(incoming.Key);
            outcomes.Add(new ApplyOutcome(incoming.Key, ApplyAction.Configured));
        }
        foreach (var key in changes.Delete)
        {
            if (await batch.LoadAsync(key.ToString(), ct) is not { } doc) continue;
            var stored = ToResource(doc);
            if (stored.Metadata.Finalizers.Count == 0)
            {
                batch.Delete(doc.Id, doc.Version);
                outcomes.Add(new ApplyOutcome(key, ApplyAction.Deleted));
            }
            else if (stored.Metadata.DeletionTimestamp is null)
            {
                stored.Metadata.DeletionTimestamp = Clock.GetUtcNow();
                batch.Update(ToDocument(stored), doc.Version);
                outcomes.Add(new ApplyOutcome(key, ApplyAction.DeletionRequested));
            }
            else continue;
            batch.Notify(key);
        }
        foreach (var incoming in changes.Status)
        {
            var doc = await batch.LoadAsync(incoming.Key.ToString(), ct) ?? throw new NotFoundException(incoming.Key);
            if (incoming.Metadata.ResourceVersion != doc.Version.ToString()) throw new ConflictException(incoming.Key);
            var stored = ToResource(doc);
            var merged = ResourceMerge.ForStatus(stored, incoming);
            if (!ResourceMerge.Differs(stored, merged)) continue;
            batch.Update(ToDocument(merged), doc.Version);
            batch.Notify(incoming.Key);
            outcomes.Add(new ApplyOutcome(incoming.Key, ApplyAction.StatusWritten));
        }
        if (BeforeApplyCommit is not null) await BeforeApplyCommit();
        try
        {
            await batch.CommitAsync(ct);
        }
        catch (Exception e) when (VersionGuard.IsConflict(e))
        {
            throw new ConflictException(outcomes.FirstOrDefault(o => o.Action is not (ApplyAction.Created or ApplyAction.Unchanged))?.Key
                                        ?? outcomes[0].Key);
        }
        catch (DuplicateDocumentException)
        {
            throw new ConflictException(outcomes.First(o => o.Action == ApplyAction.Created).Key);
        }
        return outcomes;
    }

    internal Task InstallGuardAsync(CancellationToken ct) => backend.EnsureGuardAsync(ct);

    public IAsyncEnumerable<ResourceKey> WatchAsync(CancellationToken ct, Action? listening = null) => notifications.ListenAsync(ct, listening);

    private async Task<Resource> WriteAsync(Resource incoming, Func<Resource, Resource, Resource> merge, CancellationToken ct)
    {
        var key = incoming.Key;
        await backend.EnsureGuardAsync(ct);
        await using (var batch = backend.Begin())
        {
            var doc = await batch.LoadAsync(key.ToString(), ct) ?? throw new NotFoundException(key);
            if (incoming.Metadata.ResourceVersion != doc.Version.ToString()) throw new ConflictException(key);
            var stored = ToResource(doc);
            var merged = merge(stored, incoming);
            if (!ResourceMerge.Differs(stored, merged)) return stored;

            if (merged.Metadata.DeletionTimestamp is not null && merged.Metadata.Finalizers.Count == 0)
                batch.Delete(doc.Id, doc.Version);
            else
                batch.Update(ToDocument(merged), doc.Version);
            batch.Notify(key);
            try
            {
                await batch.CommitAsync(ct);
            }
            catch (Exception e) when (VersionGuard.IsConflict(e))
            {
                throw new ConflictException(key);
            }
            var after = await GetAsync(key, ct);
            return after ?? merged;
        }
    }

    private static ResourceDocument ToDocument(Resource r)
    {
        r.Metadata.ResourceVersion = null;
        return new ResourceDocument
        {
            Id = r.Key.ToString(),
            Kind = r.Kind,
            Namespace = r.Metadata.Namespace,
            Name = r.Metadata.Name,
            Body = ResourceJson.Serialize(r),
        };
    }

    private static Resource ToResource(ResourceDocument doc)
    {
        var r = ResourceJson.Deserialize(doc.Body);
        r.Metadata.ResourceVersion = doc.Version.ToString();
        return r;
    }
}
