using Coast.ApiTypes.Images;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.Controller.Instances;
using Coast.Controller.Ports;
using Coast.Controller.Reconcilers;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.Docker.Fakes;

/// <summary>
/// A project on disk (a compose file with a built `api` and an image-only `web`), a store in memory, a fake Docker
/// and a stepping clock: what a reconciler unit test drives. Seeded with the images a build needs; the Build and
/// Instance reconcilers are made over the fakes exactly as the controller makes them over the real engine.
/// </summary>
public sealed class ReconcilerWorld : IDisposable
{
    public const string ProjectName = "shop";
    public const string BuildName = "b1";
    public const string WebImage = "coast/base:bookworm";

    public ReconcilerWorld(FakeTimeProvider? clock = null, string? compose = null)
    {
        Clock = clock ?? new SteppingClock();
        Dir = Directory.CreateTempSubdirectory("coast-unit-").FullName;
        File.WriteAllText(Path.Combine(Dir, "docker-compose.yml"), compose ?? $"""
            services:
              api:
                build: ./api
                ports: ["8080:8080"]
              web:
                image: {WebImage}
                ports: ["3000:3000"]
            """);
        Store = new MemoryStore(Clock);
        Events = new MemoryEventRecorder(Clock);
        Docker.InnerEngines.Clock = Clock;
        Docker.Host.AddImage(ImageRecipes.RuntimeImage);
        Docker.Host.AddImage(WebImage);
    }

    public string Dir { get; }
    /// <summary>A <see cref="SteppingClock"/> unless the test gave a plain fake clock (a running controller needs one it advances itself).</summary>
    public FakeTimeProvider Clock { get; }
    public MemoryStore Store { get; }
    public MemoryEventRecorder Events { get; }
    public FakeDocker Docker { get; } = new();
    public InstanceSettings Settings { get; set; } = new(DindPrivilegeProfile.CapAllMinusSysResource, TimeSpan.FromSeconds(5));

    public static string ApiImage => CoastNames.BuiltImage(ProjectName, "api", BuildName);

    public static ResourceKey InstanceKey(string name) => new(Instance.KindName, ProjectName, name);
    public static ResourceKey BuildKey => new(Build.KindName, ProjectName, BuildName);

    public InstanceReconciler Instances() => new(Store, Events, Docker.Host, Docker.InnerEngines, Docker.Ports,
        new InstancePorts(Store, new PortAllocator()), Settings, Clock, NullLogger<InstanceReconciler>.Instance);

    public BuildReconciler Builds() => new(Store, Events, Docker.Host, Clock);

    public InstanceFinalizer InstanceFinalizer() => new(Docker.Host);

    public async Task<Project> CreateProjectAsync(Action<ProjectSpec>? edit = null)
    {
        var project = new Project { Metadata = { Name = ProjectName, Namespace = ProjectName } };
        project.Spec.RootDir = Dir;
        project.Spec.Compose = "docker-compose.yml";
        project.Spec.Ports = new() { ["web"] = 3000, ["api"] = 8080 };
        edit?.Invoke(project.Spec);
        return (Project)await Store.CreateAsync(project);
    }

    /// <summary>A Build as the Build reconciler leaves it when done (its api image on the host).</summary>
    public async Task<Build> CreateCompletedBuildAsync()
    {
        Docker.Host.AddImage(ApiImage);
        var build = (Build)await Store.CreateAsync(new Build { Metadata = { Name = BuildName, Namespace = ProjectName }, Spec = { Project = ProjectName } });
        build.Status.Images = new() { ["api"] = ApiImage, ["web"] = WebImage };
        build.Status.InstanceImage = ImageRecipes.RuntimeImage;
        build.Status.ObservedGeneration = 1;
        Conditions.Set(build.Status.Conditions, ConditionTypes.Ready, ConditionStatus.True, BuildReasons.Built, "built", 1, Clock.GetUtcNow());
        return (Build)await Store.UpdateStatusAsync(build);
    }

    public async Task<Instance> CreateInstanceAsync(string name = "dev")
    {
        var instance = new Instance { Metadata = { Name = name, Namespace = ProjectName }, Spec = { Project = ProjectName } };
        return (Instance)await Store.CreateAsync(instance);
    }

    /// <summary>One pass over the stored instance, as the runtime runs it.</summary>
    public async Task<ReconcileResult> ReconcileAsync(InstanceReconciler reconciler, string name = "dev", CancellationToken ct = default) =>
        await reconciler.ReconcileAsync((Instance)(await Store.GetAsync(InstanceKey(name)))!, ct);

    public async Task<ReconcileResult> ReconcileBuildAsync(BuildReconciler reconciler, CancellationToken ct = default) =>
        await reconciler.ReconcileAsync((Build)(await Store.GetAsync(BuildKey))!, ct);

    public async Task<Instance> InstanceAsync(string name = "dev") => (Instance)(await Store.GetAsync(InstanceKey(name)))!;
    public async Task<Build> BuildAsync() => (Build)(await Store.GetAsync(BuildKey))!;

    public static Condition? Ready(Resource r) => Conditions.Get(r.StatusObject.Conditions, ConditionTypes.Ready);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
