using Coast.ApiTypes.Compose;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Compose;
using Coast.Controller.Runtime;
using Coast.Controller.SharedServices;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.SharedServices;

/// <summary>The SharedService reconciler and finalizer against the fake engine and the memory store; the compose rewrite of shared services.</summary>
[Trait("Category", Category.Unit)]
public sealed class SharedServiceReconcilerTests
{
    private readonly SteppingClock _clock = new();
    private readonly FakeDocker _docker = new();
    private readonly MemoryStore _store;

    public SharedServiceReconcilerTests()
    {
        _store = new MemoryStore(_clock);
        _builtIn = new FakeBuiltInImages(_docker.Host);
    }

    private readonly FakeBuiltInImages _builtIn;

    private SharedServiceReconciler Reconciler() => new(_store, new MemoryEventRecorder(_clock), _docker.Host, _builtIn, _clock);

    private async Task<SharedService> CreateAsync(Action<SharedServiceSpec>? edit = null)
    {
        var s = new SharedService
        {
            Metadata = { Name = "postgres", Namespace = "shop" },
            Spec = { Project = "shop", Service = "postgres", Image = "coast/postgres:15", Ports = ["5433:5432"], Volumes = ["pgdata:/var/lib/postgresql/data"], AutoCreateDb = true },
        };
        edit?.Invoke(s.Spec);
        return (SharedService)await _store.CreateAsync(s);
    }

    private async Task<SharedService> GetAsync() => (SharedService)(await _store.GetAsync(new ResourceKey(SharedService.KindName, "shop", "postgres")))!;

    [Fact]
    public async Task Runs_one_container_on_the_project_network_and_counts_the_instances_with_a_database_each()
    {
        _docker.Host.AddImage("coast/postgres:15");
        await _store.CreateAsync(TestResources.Instance("dev-1", "shop"));
        await _store.CreateAsync(TestResources.Instance("dev-2", "shop"));
        await Reconciler().ReconcileAsync(await CreateAsync(), default);
        var s = await GetAsync();
        Conditions.IsTrue(s.Status.Conditions, ConditionTypes.Ready).ShouldBeTrue();
        s.Status.Consumers.ShouldBe(["dev-1", "dev-2"]);
        s.Status.Databases.ShouldBe(["dev-1=dev_1", "dev-2=dev_2"]);
        s.Status.Address.ShouldNotBeNullOrEmpty();
        _docker.Host.Containers["shop-shared-services-postgres"].Running.ShouldBeTrue();
        _docker.Host.Containers["shop-shared-services-postgres"].Spec.Ports.ShouldBe([(5433, 5432)]);
        _docker.Host.Networks["coast-shared-shop"].ShouldContain("shop-shared-services-postgres");
        _docker.Host.Volumes.Keys.ShouldContain("coast-shared--shop--pgdata");
    }

    [Fact]
    public async Task A_missing_image_creates_nothing_and_names_the_field()
    {
        var e = await Should.ThrowAsync<ReconcileFailedException>(async () => await Reconciler().ReconcileAsync(await CreateAsync(s => s.Image = "postgres:16"), default));
        e.Reason.ShouldBe(SharedServiceReasons.ImageMissing);
        e.Message.ShouldContain("[shared_services.postgres] image");
        _builtIn.Builds.ShouldBe(0);
        _docker.Host.Containers.ShouldBeEmpty();
        _docker.Host.Networks.ShouldBeEmpty();
        _docker.Host.Volumes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Coasts_own_postgres_image_is_built_when_missing_and_then_reused()
    {
        await Reconciler().ReconcileAsync(await CreateAsync(), default);
        _builtIn.Builds.ShouldBe(1);
        _docker.Host.Containers["shop-shared-services-postgres"].Running.ShouldBeTrue();
        await Reconciler().ReconcileAsync(await GetAsync(), default);
        _builtIn.Builds.ShouldBe(1, "an image that exists is not built again");
    }

    [Fact]
    public async Task Coasts_own_redis_image_is_built_when_missing_and_then_reused()
    {
        var redis = (SharedService)await _store.CreateAsync(new SharedService
        {
            Metadata = { Name = "redis", Namespace = "shop" },
            Spec = { Project = "shop", Service = "redis", Image = "coast/redis:7", Volumes = ["redisdata:/data"] },
        });
        await Reconciler().ReconcileAsync(redis, default);
        _builtIn.Builds.ShouldBe(1);
        _docker.Host.Images.Keys.ShouldContain("coast/redis:7");
        _docker.Host.Containers["shop-shared-services-redis"].Running.ShouldBeTrue();
        var again = (SharedService)(await _store.GetAsync(new ResourceKey(SharedService.KindName, "shop", "redis")))!;
        await Reconciler().ReconcileAsync(again, default);
        _builtIn.Builds.ShouldBe(1, "an image that exists is not built again");
        Conditions.IsTrue(((SharedService)(await _store.GetAsync(again.Key))!).Status.Conditions, ConditionTypes.Ready).ShouldBeTrue();
        SharedServiceWiring.Url(again.Spec, "dev-1").ShouldBe("redis://redis:6379");
    }

    [Fact]
    public async Task A_taken_host_port_removes_what_the_attempt_made()
    {
        _docker.Host.AddImage("coast/postgres:15");
        _docker.Host.TakenHostPorts.Add(5433);
        var shared = await CreateAsync();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var e = await Should.ThrowAsync<ReconcileFailedException>(() => Reconciler().ReconcileAsync(shared, default));
            e.Reason.ShouldBe(SharedServiceReasons.HostPortTaken);
            e.Message.ShouldContain("host port 5433");
            _docker.Host.Containers.ShouldBeEmpty();
            _docker.Host.Networks.ShouldBeEmpty();
            _docker.Host.Volumes.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Stopped_keeps_the_container_and_volume_and_the_finalizer_keeps_the_volume_unless_asked()
    {
        _docker.Host.AddImage("coast/postgres:15");
        await Reconciler().ReconcileAsync(await CreateAsync(s => s.AutoCreateDb = false), default);
        var stopped = await GetAsync();
        stopped.Spec.Stopped = true;
        await Reconciler().ReconcileAsync((SharedService)await _store.UpdateAsync(stopped), default);
        _docker.Host.Containers["shop-shared-services-postgres"].Running.ShouldBeFalse();
        (await GetAsync()).Status.Phase.ShouldBe("Stopped");

        await new SharedServiceFinalizer(_docker.Host).FinalizeAsync(await GetAsync(), default);
        _docker.Host.Containers.ShouldBeEmpty();
        _docker.Host.Networks.ShouldBeEmpty();
        _docker.Host.Volumes.Keys.ShouldContain("coast-shared--shop--pgdata");

        var removing = await GetAsync();
        removing.Metadata.Annotations[SharedService.RemoveVolumesAnnotation] = "true";
        await new SharedServiceFinalizer(_docker.Host).FinalizeAsync(removing, default);
        _docker.Host.Volumes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true, null, "postgres://app:p%40ss@postgres:5432/dev_1")]
    [InlineData(false, null, "postgres://app:p%40ss@postgres:5432/app")]
    public void The_injected_postgres_url_names_the_service_and_the_instance_database(bool autoCreate, string? inject, string expected)
    {
        var spec = new SharedServiceSpec { Service = "postgres", Image = "coast/postgres:15", AutoCreateDb = autoCreate, Inject = inject, Env = { ["POSTGRES_USER"] = "app", ["POSTGRES_PASSWORD"] = "p@ss" } };
        SharedServiceWiring.Url(spec, "dev-1").ShouldBe(expected);
        SharedServiceWiring.Url(new SharedServiceSpec { Service = "cache", Image = "redis:7", Ports = ["6380:6379"] }, "dev-1").ShouldBe("redis://cache:6379");
    }

    [Fact]
    public void The_inner_compose_file_loses_the_shared_services_and_gains_hosts_env_and_mounts()
    {
        var file = ComposeFile.Parse("""
            services:
              postgres: { image: postgres:16, volumes: ["pg:/var/lib/postgresql/data"] }
              api: { image: api, depends_on: [postgres], environment: { KEEP: "1" } }
              worker: { image: worker, depends_on: { postgres: { condition: service_healthy } }, environment: ["DATABASE_URL=old", "X=1"] }
            volumes: { pg: {} }
            """, "docker-compose.yml");
        var text = ComposeRewriter.Rewrite(file, new ComposeRewriteOptions(new Dictionary<string, string>(), [], ["postgres"], null,
            new Dictionary<string, string> { ["postgres"] = "10.213.4.2" }, new Dictionary<string, string> { ["DATABASE_URL"] = "postgres://x@postgres:5432/dev_1" },
            ["/run/coast/db-url"]));
        var out_ = ComposeFile.Parse(text, "out.yml");
        out_.ServiceNames.ShouldBe(["api", "worker"], ignoreOrder: true);
        text.ShouldNotContain("depends_on");
        text.ShouldNotContain("pg:");
        YamlDotNet.RepresentationModel.YamlNode Key(string k) => new YamlDotNet.RepresentationModel.YamlScalarNode(k);
        var api = out_.Service("api");
        api[Key("extra_hosts")].ToString().ShouldContain("postgres:10.213.4.2");
        var apiEnv = (YamlDotNet.RepresentationModel.YamlMappingNode)api[Key("environment")];
        apiEnv[Key("DATABASE_URL")].ToString().ShouldBe("postgres://x@postgres:5432/dev_1");
        apiEnv[Key("KEEP")].ToString().ShouldBe("1");
        var workerEnv = ((YamlDotNet.RepresentationModel.YamlSequenceNode)out_.Service("worker")[Key("environment")]).Children.Select(c => c.ToString()).ToList();
        workerEnv.ShouldBe(["X=1", "DATABASE_URL=postgres://x@postgres:5432/dev_1"]);
        api[Key("volumes")].ToString().ShouldContain("/run/coast/db-url:/run/coast/db-url:ro");
    }
}
