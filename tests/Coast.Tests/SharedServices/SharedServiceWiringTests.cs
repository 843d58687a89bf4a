using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.SharedServices;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.SharedServices;

/// <summary>
/// The wiring an instance is rendered with is read once per reconcile: <see cref="SharedServiceStep.WireAsync"/> hands
/// back the same wiring when it is still current, and a fresh one when a service became ready after it was read.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SharedServiceWiringTests
{
    private readonly SteppingClock _clock = new();
    private readonly FakeDocker _docker = new();
    private readonly MemoryStore _store;
    private Project _project = TestResources.Project("shop");
    private readonly Instance _instance = TestResources.Instance("dev-1", "shop");

    public SharedServiceWiringTests()
    {
        _store = new MemoryStore(_clock);
        _project.Spec.SharedServices["redis"] = new SharedServiceDefinition { Image = "coast/redis:7" };
    }

    private async Task StartAsync()
    {
        _docker.Host.AddImage("coast/redis:7");
        _docker.Host.AddImage("coast/runtime");
        var spec = new DindContainerSpec("shop-coasts-dev-1", "coast/runtime", "v", "/srv/shop", "/run/x",
            new Dictionary<string, string>(), new Dictionary<string, string>(), [], DindPrivilegeProfile.CapAllMinusSysResource);
        await _docker.Host.CreateDindAsync(spec, default);
        await _docker.Host.StartDindAsync(spec, default);
        _project = (Project)await _store.CreateAsync(_project);
        await new SharedServiceStep(_store, _docker.Host).EnsureResourcesAsync(_project, default);
    }

    private async Task ReconcileSharedAsync()
    {
        var shared = (SharedService)(await _store.GetAsync(new ResourceKey(SharedService.KindName, "shop", "redis")))!;
        await new SharedServiceReconciler(_store, new MemoryEventRecorder(_clock), _docker.Host, new FakeBuiltInImages(_docker.Host), _clock)
            .ReconcileAsync(shared, default);
    }

    [Fact]
    public async Task A_current_wiring_is_handed_back_as_it_is()
    {
        await StartAsync();
        await ReconcileSharedAsync();
        var wiring = await SharedServiceWiring.ForAsync(_store, _project, "dev-1", default);
        wiring.Hosts.Keys.ShouldBe(["redis"]);

        var wired = await new SharedServiceStep(_store, _docker.Host).WireAsync(_project, _instance, "shop-coasts-dev-1", wiring, default);

        wired.ShouldBeSameAs(wiring);
        _docker.Host.Networks["coast-shared-shop"].ShouldContain("shop-coasts-dev-1");
    }

    [Fact]
    public async Task A_wiring_read_before_the_service_was_ready_is_read_again()
    {
        await StartAsync();
        var early = await SharedServiceWiring.ForAsync(_store, _project, "dev-1", default);
        early.Hosts.ShouldBeEmpty();
        var step = new SharedServiceStep(_store, _docker.Host);
        (await step.WireAsync(_project, _instance, "shop-coasts-dev-1", early, default)).ShouldBeNull();

        await ReconcileSharedAsync();
        var wired = await step.WireAsync(_project, _instance, "shop-coasts-dev-1", early, default);

        wired.ShouldNotBeNull();
        wired.ShouldNotBeSameAs(early);
        wired.Hosts.Keys.ShouldBe(["redis"]);
    }
}
