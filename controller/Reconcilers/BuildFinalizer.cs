using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// On deletion of a Build: removes the images built for it (service images and the instance image, all
/// tagged `coast-&lt;project&gt;/&lt;service&gt;:&lt;build&gt;`). A build an instance still uses is kept until that
/// instance is gone (the Instance watch wakes it), like Kubernetes' in-use protection: its image may
/// back a running container.
/// </summary>
public sealed class BuildFinalizer(IResourceStore store, IContainerEngine engine) : IFinalizer<Build>
{
    public string Name => "coast.dev/build-images";

    public async Task<FinalizeResult> FinalizeAsync(Build build, CancellationToken ct)
    {
        var users = await BuildUsers.ListAsync(store, build, ct);
        if (users.Count > 0)
            return FinalizeResult.Waiting("BuildInUse",
                $"build is used by instance(s) {string.Join(", ", users)}; its images are removed when they are", TimeSpan.FromSeconds(30));
        var project = build.Metadata.Namespace;
        var tags = (await engine.ImageTagsAsync($"coast-{project}/*:{build.Metadata.Name}", ct))
            .Concat(build.Status.Images.Values.Where(t => t.StartsWith($"coast-{project}/", StringComparison.Ordinal)))
            .Distinct();
        foreach (var tag in tags) await engine.RemoveImageAsync(tag, ct);
        return FinalizeResult.Done;
    }
}
