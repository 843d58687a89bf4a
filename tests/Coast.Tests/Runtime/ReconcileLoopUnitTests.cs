using System.Threading.Channels;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Instances;
using Coast.Controller.Ports;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Coast.Tests.Docker.Fakes.ReconcilerWorld;
using Coast.Client.Store;

namespace Coast.Tests.Runtime;

/// <summary>
/// The real reconcile loop (ResourceController, work queue, wake filter, backoff) running the Instance reconciler
/// over the fakes and a store in memory, on a fake clock the test advances: a failing instance is retried only when
/// its backoff has passed, each delay about double the last, one event whose count grows, and it converges once the
/// cause is gone. Against Postgres and a real engine: FailureBackoffTests, InstanceFailureTests.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ReconcileLoopUnitTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ReconcilerWorld _w;
    private readonly IHost _host;
    private readonly Channel<TimeSpan> _retries = Channel.CreateUnbounded<TimeSpan>();

    public ReconcileLoopUnitTests()
    {
        _w = new ReconcilerWorld(_clock);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var s = builder.Services;
        s.AddSingleton<IResourceStore>(_w.Store);
        s.AddSingleton<IEventRecorder>(_w.Events);
        s.AddSingleton<TimeProvider>(_clock);
        s.AddSingleton<IContainerEngine>(_w.Docker.Host);
        s.AddSingleton<IInnerEngineFactory>(_w.Docker.InnerEngines);
        s.AddSingleton<IPortProbe>(_w.Docker.Ports);
        s.AddSingleton<PortAllocator>();
        s.AddSingleton<InstancePorts>();
        s.AddSingleton(_w.Settings);
        s.AddCoastController(o => o with { Parallelism = 1 })
            .AddReconciler<Instance, InstanceReconciler>().AddFinalizer<InstanceFinalizer>();
        _host = builder.Build();
        Monitor = _host.Services.GetRequiredService<ReconcileMonitor>();
        Monitor.RetryScheduled += (_, delay) => _retries.Writer.TryWrite(delay);
    }

    private ReconcileMonitor Monitor { get; }
    private static ResourceKey Key => InstanceKey("dev");

    [Fact]
    public async Task A_failing_compose_up_backs_off_doubling_on_the_fake_clock_and_converges_when_fixed()
    {
        await SeedAsync();
        _w.Docker.Host.ComposeUpFailure = new ExecResult(1, "", "ERROR: for api  Cannot start service api: no space left on device");
        await _host.StartAsync();

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var delay = await NextRetryAsync();
            delays.Add(delay);
            Monitor.StartedCount(Key).ShouldBe(attempt, "an attempt runs only when the clock passes its backoff");
            var ready = Ready(await _w.InstanceAsync())!;
            (ready.Reason, ready.Message).ShouldBe((InstanceReasons.ComposeUpFailed, "docker-compose up failed (exit 1): for api  Cannot start service api: no space left on device"));
            _w.Events.Of(Key).Single(e => e.Type == "Warning").Count.ShouldBe(attempt, "the same failure is one event whose count grows");
            if (attempt < 3) _clock.Advance(delay);
        }
        // 100 ms doubling, ±20% jitter.
        delays[0].TotalMilliseconds.ShouldBeInRange(80, 120);
        delays[1].TotalMilliseconds.ShouldBeInRange(160, 240);
        delays[2].TotalMilliseconds.ShouldBeInRange(320, 480);

        _w.Docker.Host.ComposeUpFailure = null;
        _clock.Advance(delays[2]);
        (await Poll.UntilAsync(async () => Ready(await _w.InstanceAsync())?.Status == ConditionStatus.True, Wait)).ShouldBeTrue();
        Monitor.StartedCount(Key).ShouldBe(4);
        _w.Docker.Host.Containers.Count.ShouldBe(1);
        _w.Docker.Inner(ProjectName, "dev")!.Containers.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Engine_down_is_a_ReconcileError_naming_the_cause_and_heals_after_the_backoff()
    {
        await SeedAsync();
        _w.Docker.Host.Down = true;
        await _host.StartAsync();
        var delay = await NextRetryAsync();
        var ready = Ready(await _w.InstanceAsync())!;
        ready.Reason.ShouldBe(Reasons.ReconcileError);
        ready.Message.ShouldContain("Cannot connect to the Docker daemon");
        _w.Docker.Inventory().ShouldBeEmpty();

        _w.Docker.Host.Down = false;
        _clock.Advance(delay);
        (await Poll.UntilAsync(async () => Ready(await _w.InstanceAsync())?.Status == ConditionStatus.True, Wait)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_container_removed_behind_Coasts_back_is_recreated_when_its_event_arrives()
    {
        await SeedAsync();
        // The Docker event wake source over the fake events, as the controller registers it over the real ones.
        await using var withEvents = new EventHost(_w);
        await withEvents.StartAsync();
        (await Poll.UntilAsync(async () => Ready(await _w.InstanceAsync())?.Status == ConditionStatus.True, Wait)).ShouldBeTrue();
        var first = _w.Docker.Host.Containers[CoastNames.InstanceContainer(ProjectName, "dev")].Id;

        await _w.Docker.Host.RemoveAsync(CoastNames.InstanceContainer(ProjectName, "dev"), CancellationToken.None);
        (await Poll.UntilAsync(() => Task.FromResult(_w.Docker.Host.Containers.Values.Any(c => c.Running && c.Id != first)), Wait)).ShouldBeTrue();
        _w.Docker.Host.Containers.Count.ShouldBe(1);
    }

    private async Task SeedAsync()
    {
        await _w.CreateProjectAsync();
        await _w.CreateCompletedBuildAsync();
        await _w.CreateInstanceAsync();
    }

    private async Task<TimeSpan> NextRetryAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await _retries.Reader.ReadAsync(timeout.Token);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _w.Dispose();
    }

    /// <summary>A second controller host like the first plus the Docker event wake source (the first one never started).</summary>
    private sealed class EventHost(ReconcilerWorld w) : IAsyncDisposable
    {
        private readonly IHost _host = Build(w);

        public Task StartAsync() => _host.StartAsync();

        private static IHost Build(ReconcilerWorld w)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            var s = builder.Services;
            s.AddSingleton<IResourceStore>(w.Store);
            s.AddSingleton<IEventRecorder>(w.Events);
            s.AddSingleton<TimeProvider>(w.Clock);
            s.AddSingleton<IContainerEngine>(w.Docker.Host);
            s.AddSingleton<IContainerEvents>(w.Docker.Events);
            s.AddSingleton<IInnerEngineFactory>(w.Docker.InnerEngines);
            s.AddSingleton<IPortProbe>(w.Docker.Ports);
            s.AddSingleton<PortAllocator>();
            s.AddSingleton<InstancePorts>();
            s.AddSingleton(w.Settings);
            s.AddSingleton<IWakeSource, DockerEventWakeSource>();
            s.AddCoastController(o => o with { Parallelism = 1 }).AddReconciler<Instance, InstanceReconciler>();
            return builder.Build();
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
