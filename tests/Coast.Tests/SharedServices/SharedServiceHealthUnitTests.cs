using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.SharedServices;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;
using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.SharedServices;

/// <summary>
/// The health loop of the SharedService reconciler on the fake engine: a running Postgres that stops answering its
/// query is Unhealthy with psql's own words, restarted only after the grace and then with a doubling delay, and Ready
/// again once it answers; a healthy one is checked again after the period.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SharedServiceHealthUnitTests
{
    private static readonly SharedServiceHealthSettings Settings = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
    private const string Container = "shop-shared-services-postgres";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
    private readonly FakeDocker _docker = new();
    private readonly MemoryStore _store;
    private readonly MemoryEventRecorder _events;
    private readonly SharedServiceHealth _health = new(Settings);
    private bool _answers = true;

    public SharedServiceHealthUnitTests()
    {
        _store = new MemoryStore(_clock);
        _events = new MemoryEventRecorder(_clock);
        _docker.Host.AddImage("coast/postgres:15");
        _docker.Host.ExecReply = (_, cmd) => cmd is ["psql", ..] && !_answers
            ? new ExecResult(2, "", "psql: error: connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory") : null;
    }

    private Task<Coast.Controller.Runtime.ReconcileResult> PassAsync() =>
        new SharedServiceReconciler(_store, _events, _docker.Host, new FakeBuiltInImages(_docker.Host), _clock, _health).ReconcileAsync(GetAsync().Result, default);

    private async Task<SharedService> GetAsync() => (SharedService)(await _store.GetAsync(new ResourceKey(SharedService.KindName, "shop", "postgres")))!;
    private async Task<Condition> ReadyAsync() => Conditions.Get((await GetAsync()).Status.Conditions, ConditionTypes.Ready).ShouldNotBeNull();
    private int Restarts() => _docker.Host.Calls.Count(c => c == "Stop");

    [Fact]
    public async Task A_postgres_that_stops_answering_is_unhealthy_restarted_after_the_grace_with_backoff_and_ready_again()
    {
        await _store.CreateAsync(new SharedService
        {
            Metadata = { Name = "postgres", Namespace = "shop" },
            Spec = { Project = "shop", Service = "postgres", Image = "coast/postgres:15", AutoCreateDb = true },
        });
        (await PassAsync()).ShouldBe(Coast.Controller.Runtime.ReconcileResult.After(Settings.Period), "a healthy service is checked again after the period");
        (await ReadyAsync()).Reason.ShouldBe(SharedServiceReasons.Running);

        _answers = false;
        await PassAsync();
        var ready = await ReadyAsync();
        ready.Status.ShouldBe(ConditionStatus.False);
        ready.Reason.ShouldBe(SharedServiceReasons.Unhealthy);
        ready.Message.ShouldStartWith("Postgres does not answer a query (psql exit 2: psql: error: connection to server");
        (await GetAsync()).Status.Phase.ShouldBe("Unhealthy");
        Restarts().ShouldBe(0, "within the grace nothing is restarted");

        _clock.Advance(Settings.Grace);
        await PassAsync();
        Restarts().ShouldBe(1);
        _docker.Host.Containers[Container].Running.ShouldBeTrue();
        _events.Of(new ResourceKey(SharedService.KindName, "shop", "postgres")).Last().Reason.ShouldBe("Repairing");
        (await ReadyAsync()).Message.ShouldEndWith("; restarted 1 time(s)");

        // Still failing: the next restart waits for the grace plus the first delay (5 s), then 10 s more the time after.
        _clock.Advance(Settings.Grace);
        await PassAsync();
        Restarts().ShouldBe(1);
        _clock.Advance(Settings.RepairBase);
        await PassAsync();
        Restarts().ShouldBe(2);
        _clock.Advance(Settings.Grace + Settings.RepairBase);
        await PassAsync();
        Restarts().ShouldBe(2, "the delay doubled");
        _clock.Advance(Settings.RepairBase);
        await PassAsync();
        Restarts().ShouldBe(3);

        _answers = true;
        await PassAsync();
        (await ReadyAsync()).ShouldSatisfyAllConditions(r => r.Status.ShouldBe(ConditionStatus.True), r => r.Reason.ShouldBe(SharedServiceReasons.Running));
        (await GetAsync()).Status.Databases.ShouldBeEmpty();

        // A passing check resets the count: the next failure gets its full grace again.
        _answers = false;
        await PassAsync();
        _clock.Advance(Settings.Grace - TimeSpan.FromSeconds(1));
        await PassAsync();
        Restarts().ShouldBe(3);
    }

    [Fact]
    public async Task A_stopped_container_of_a_running_service_is_started_again_with_an_event()
    {
        await _store.CreateAsync(new SharedService
        {
            Metadata = { Name = "postgres", Namespace = "shop" },
            Spec = { Project = "shop", Service = "postgres", Image = "coast/postgres:15" },
        });
        await PassAsync();
        await _docker.Host.StopAsync(Container, TimeSpan.Zero, default);

        await PassAsync();
        _docker.Host.Containers[Container].Running.ShouldBeTrue();
        _events.Of(new ResourceKey(SharedService.KindName, "shop", "postgres")).Select(e => e.Reason).ShouldContain("ContainerRestarted");
        (await ReadyAsync()).Reason.ShouldBe(SharedServiceReasons.Running);
    }
}
