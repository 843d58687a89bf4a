using Coast.ApiTypes.Kinds;

namespace Coast.Client.Store;

/// <summary>Which instances use a build: the CLI refuses to remove such a build, and its finalizer waits for them.</summary>
public static class BuildUsers
{
    /// <summary>Instances that name the build or run it (a stopped one still does).</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IResourceStore store, Build build, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, build.Metadata.Namespace, null, ct)).Cast<Instance>()
            .Where(i => i.Spec.Build == build.Metadata.Name || i.Status.Build == build.Metadata.Name)
            .Select(i => i.Metadata.Name).ToList();
}
