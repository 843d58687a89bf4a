using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.GitOps;

/// <summary>
/// When a GitSource is deleted: with prune, what it applied is deleted (not what is annotated
/// `coast.dev/prune: disabled`); without, it is released (the owner label removed) and stays. One transaction.
/// The source's cache directory goes last.
/// </summary>
public sealed class GitSourceFinalizer(IResourceStore store, GitSourceOptions options) : IFinalizer<GitSource>
{
    public string Name => GitSourceNames.Finalizer;

    public async Task<FinalizeResult> FinalizeAsync(GitSource source, CancellationToken ct)
    {
        var (release, delete) = (new List<Resource>(), new List<ResourceKey>());
        foreach (var entry in source.Status.Inventory)
        {
            var key = ResourceKey.Parse(entry);
            if (await store.GetAsync(key, ct) is not { } stored || SourceApplyPlan.OwnerOf(stored) != source.Metadata.Name) continue;
            if (source.Spec.Prune && !SourceApplyPlan.PruneDisabled(stored)) delete.Add(key);
            else release.Add(SourceApplyPlan.Released(stored));
        }
        await store.CommitAsync(new ChangeSet(release, delete, []), ct);
        var cache = options.CacheDir(source.Metadata.Name);
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        return FinalizeResult.Done;
    }
}
