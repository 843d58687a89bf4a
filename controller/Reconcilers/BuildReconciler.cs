using Coast.ApiTypes.Images;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Compose;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;
using Coast.ApiTypes.Compose;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// Builds a project's images for one Build: each compose `build:` service on the host engine, tagged per
/// project and build, and the instance image (runtime image plus [coast.setup]). Images a compose file
/// names must exist locally: nothing is pulled. Progress is written to the Ready condition's message.
/// </summary>
public sealed class BuildReconciler(IResourceStore store, IEventRecorder events, IContainerEngine engine, TimeProvider clock) : IReconciler<Build>
{
    public async Task<ReconcileResult> ReconcileAsync(Build build, CancellationToken ct)
    {
        if (build.Status.ObservedGeneration == build.Metadata.Generation && Conditions.IsTrue(build.Status.Conditions, ConditionTypes.Ready))
            return ReconcileResult.Done;
        var project = await store.GetAsync(new ResourceKey(Project.KindName, build.Metadata.Namespace, build.Spec.Project), ct) as Project
            ?? throw new TerminalReconcileException(BuildReasons.ProjectNotFound, $"project '{build.Spec.Project}' does not exist; run `coast build` in its directory");
        if (!await engine.ImageExistsAsync(ImageRecipes.RuntimeImage, ct))
            throw new TerminalReconcileException(BuildReasons.RuntimeImageMissing, $"runtime image {ImageRecipes.RuntimeImage} is missing; run `coast images build-runtime`");

        var images = new Dictionary<string, string>();
        if (project.Spec.Compose is { } composePath)
        {
            var path = Path.Combine(project.Spec.RootDir, composePath);
            if (!File.Exists(path)) throw new TerminalReconcileException(BuildReasons.ComposeFileMissing, $"compose file {path} does not exist");
            ComposeFile compose;
            try { compose = ComposeFile.Parse(await File.ReadAllTextAsync(path, ct), composePath); }
            catch (ComposeException e) { throw new TerminalReconcileException(BuildReasons.ComposeFileInvalid, e.Message); }
            var skipped = project.Spec.SharedServices.Keys.Concat(project.Spec.Omit.Services).ToHashSet();
            var services = compose.ServiceNames.Where(s => !skipped.Contains(s)).ToList();
            var n = 0;
            foreach (var service in services)
            {
                n++;
                if (compose.BuildOf(service) is { } b)
                {
                    var tag = CoastNames.BuiltImage(project.Metadata.Name, service, build.Metadata.Name);
                    await ProgressAsync(build, $"building image for service '{service}' ({n}/{services.Count})", ct);
                    var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, b.Context));
                    if (!await engine.ImageExistsAsync(tag, ct))
                        await BuildImageAsync(context, b.Dockerfile, tag, b.Args, project.Metadata.Name, service, ct);
                    images[service] = tag;
                }
                else if (compose.ImageOf(service) is { } image)
                {
                    if (!await engine.ImageExistsAsync(image, ct))
                        throw new TerminalReconcileException(BuildReasons.ImageNotFound,
                            $"service '{service}' uses image '{image}' which is not present locally and no registry is reachable; build or load it first");
                    images[service] = image;
                }
                else throw new TerminalReconcileException(BuildReasons.ComposeFileInvalid, $"service '{service}' has neither build nor image");
            }
        }

        var instanceImage = ImageRecipes.RuntimeImage;
        if (SetupDockerfile.IsNeeded(project.Spec.Setup))
        {
            instanceImage = CoastNames.InstanceImage(project.Metadata.Name, build.Metadata.Name);
            await ProgressAsync(build, "building the instance image ([coast.setup])", ct);
            if (!await engine.ImageExistsAsync(instanceImage, ct)) await BuildSetupImageAsync(project.Spec.Setup, instanceImage, ct);
        }

        var current = (Build)(await store.GetAsync(build.Key, ct))!;
        current.Status.Images = images;
        current.Status.InstanceImage = instanceImage;
        current.Status.ObservedGeneration = current.Metadata.Generation;
        current.Status.Phase = "Complete";
        Conditions.Set(current.Status.Conditions, ConditionTypes.Ready, ConditionStatus.True, BuildReasons.Built,
            $"{images.Count} service image(s) ready; instance image {instanceImage}", current.Metadata.Generation, clock.GetUtcNow());
        await store.UpdateStatusAsync(current, ct);
        await events.RecordAsync(build.Key, "Normal", BuildReasons.Built, $"images: {string.Join(", ", images.Select(kv => $"{kv.Key}={kv.Value}"))}", ct);
        return ReconcileResult.Done;
    }

    private async Task BuildImageAsync(string context, string dockerfile, string tag, IReadOnlyDictionary<string, string> args,
        string project, string service, CancellationToken ct)
    {
        try
        {
            await engine.BuildImageAsync(new ImageBuildRequest(context, dockerfile, tag,
                new Dictionary<string, string> { [CoastLabels.Managed] = "true", [CoastLabels.Project] = project }, args),
                new Progress<string>(_ => { }), ct);
        }
        catch (ImageBuildException e)
        {
            // Retried with backoff (a mirror may come back); a new Dockerfile makes a new build via `coast build`.
            throw new ReconcileFailedException(BuildReasons.ImageBuildFailed, $"building the image of service '{service}': {e.Cause}");
        }
    }

    private async Task BuildSetupImageAsync(SetupSpec setup, string tag, CancellationToken ct)
    {
        try { await SetupDockerfile.BuildAsync(engine, setup, tag, ct); }
        catch (ImageBuildException e)
        {
            throw new ReconcileFailedException(BuildReasons.ImageBuildFailed, $"building the instance image ([coast.setup]): {e.Cause}");
        }
    }

    private async Task ProgressAsync(Build build, string message, CancellationToken ct)
    {
        var current = (Build?)await store.GetAsync(build.Key, ct);
        if (current is null) return;
        // A retry keeps the last failure in Ready: `coast build` must see it, not a "Building" that hides it.
        if (Conditions.Get(current.Status.Conditions, ConditionTypes.Ready) is { Reason: BuildReasons.ImageBuildFailed } failed
            && failed.ObservedGeneration == current.Metadata.Generation) return;
        current.Status.Phase = "Building";
        Conditions.Set(current.Status.Conditions, ConditionTypes.Ready, ConditionStatus.False, BuildReasons.Building, message, current.Metadata.Generation, clock.GetUtcNow());
        await store.UpdateStatusAsync(current, ct);
    }
}
