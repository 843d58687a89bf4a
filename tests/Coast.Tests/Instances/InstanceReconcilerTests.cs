using Coast.ApiTypes.Images;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Docker.Fakes.ReconcilerWorld;

namespace Coast.Tests.Instances;

/// <summary>
/// The Instance reconciler over the fake engine, phase by phase and failure by failure, with a stepping clock. The
/// same paths against the real engine: LocalInstanceTests, InstanceFailureTests, ControllerCrashTests.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class InstanceReconcilerTests : IDisposable
{
    private readonly ReconcilerWorld _w = new();

    private async Task SeedAsync()
    {
        await _w.CreateProjectAsync();
        await _w.CreateCompletedBuildAsync();
        await _w.CreateInstanceAsync();
    }

    private string Container => CoastNames.InstanceContainer(ProjectName, "dev");
    private string Volume => CoastNames.DindVolume(ProjectName, "dev");

    [Fact]
    public async Task Runs_through_every_phase_to_ready_and_a_second_pass_changes_nothing()
    {
        await SeedAsync();
        var reconciler = _w.Instances();
        (await _w.ReconcileAsync(reconciler)).ShouldBe(ReconcileResult.Done);

        var i = await _w.InstanceAsync();
        i.Status.Phase.ShouldBe("Running");
        Ready(i).ShouldNotBeNull().Reason.ShouldBe(InstanceReasons.Running);
        Conditions.IsTrue(i.Status.Conditions, ConditionTypes.ContainersReady).ShouldBeTrue();
        Conditions.IsTrue(i.Status.Conditions, ConditionTypes.PortsReady).ShouldBeTrue();
        i.Status.Ports.Select(p => p.Name).Order().ShouldBe(["api", "web"]);
        i.Status.Inventory.ShouldBe([Container, Volume]);
        i.Status.Build.ShouldBe(BuildName);
        _w.Docker.Host.Containers[Container].Running.ShouldBeTrue();
        var inner = _w.Docker.Inner(ProjectName, "dev").ShouldNotBeNull();
        inner.Images.ShouldBe([ApiImage, WebImage], ignoreOrder: true);
        inner.Containers.Select(c => $"{c.Service}:{c.State}").Order().ShouldBe(["api:running", "web:running"]);
        _w.Events.Of(i.Key).Select(e => e.Reason).ShouldBe(["Created", "ImagesLoaded"]);

        var writes = _w.Store.Commits;
        var calls = _w.Docker.Host.Calls.Count;
        (await _w.ReconcileAsync(reconciler)).ShouldBe(ReconcileResult.Done);
        _w.Store.Commits.ShouldBe(writes, "a settled instance is not written again");
        // The one exec checks that /workspace is still mounted from spec.worktree (Assign.WorkspaceMount).
        _w.Docker.Host.Calls.Skip(calls).ShouldBe(["Inspect", "ImageId", "Exec"], "a settled instance only looks");
        _w.Docker.InnerEngines.Open.ShouldBe(0);
    }

    [Fact]
    public async Task Without_a_completed_build_it_waits_and_creates_nothing()
    {
        await _w.CreateProjectAsync();
        await _w.CreateInstanceAsync();
        await _w.ReconcileAsync(_w.Instances());
        var i = await _w.InstanceAsync();
        i.Status.Phase.ShouldBe("Pending");
        Ready(i)!.Reason.ShouldBe(InstanceReasons.WaitingForBuild);
        _w.Docker.Inventory().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_project_is_terminal()
    {
        await _w.CreateInstanceAsync();
        var e = await Should.ThrowAsync<TerminalReconcileException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Reason.ShouldBe(InstanceReasons.ProjectNotFound);
        _w.Docker.Inventory().ShouldBeEmpty();
    }

    [Fact]
    public async Task Engine_down_fails_the_pass_and_the_next_pass_converges_once_it_is_back()
    {
        await SeedAsync();
        _w.Docker.Host.Down = true;
        var e = await Should.ThrowAsync<HttpRequestException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Message.ShouldContain("Cannot connect to the Docker daemon");
        _w.Docker.Inventory().ShouldBeEmpty();

        _w.Docker.Host.Down = false;
        (await _w.ReconcileAsync(_w.Instances())).ShouldBe(ReconcileResult.Done);
        Ready(await _w.InstanceAsync())!.Status.ShouldBe(ConditionStatus.True);
    }

    [Fact]
    public async Task A_missing_instance_image_fails_without_making_a_container()
    {
        await SeedAsync();
        _w.Docker.Host.Images.Remove(Coast.ApiTypes.Images.ImageRecipes.RuntimeImage);
        var e = await Should.ThrowAsync<ContainerEngineException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Message.ShouldContain("No such image");
        _w.Docker.Host.Containers.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failing_compose_up_is_ComposeUpFailed_with_composes_own_error_and_a_retry_converges()
    {
        await SeedAsync();
        _w.Docker.Host.ComposeUpFailure = new ExecResult(1, "",
            "ERROR: for shop_api_1  Cannot start service api: oci runtime error\nERROR: for api  Cannot start service api: oci runtime error\nERROR: Encountered errors while bringing up the project.");
        var e = await Should.ThrowAsync<ReconcileFailedException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Reason.ShouldBe(InstanceReasons.ComposeUpFailed);
        e.Message.ShouldBe("docker-compose up failed (exit 1): for api  Cannot start service api: oci runtime error");

        _w.Docker.Host.ComposeUpFailure = null;
        (await _w.ReconcileAsync(_w.Instances())).ShouldBe(ReconcileResult.Done);
        _w.Docker.Host.Containers.Count.ShouldBe(1);
        _w.Docker.Inner(ProjectName, "dev")!.Containers.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_service_that_exits_is_ServiceExited_with_its_last_log_lines_written_with_the_status()
    {
        await SeedAsync();
        await _w.ReconcileAsync(_w.Instances()); // creates the inner state; now make api crash on its next start
        var inner = _w.Docker.Inner(ProjectName, "dev")!;
        inner.Exits["api"] = (3, ["starting api", "panic: no config"]);
        await _w.Docker.Host.StopAsync(Container, TimeSpan.Zero, CancellationToken.None); // stopped behind Coast's back

        var e = await Should.ThrowAsync<ReconcileFailedException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Reason.ShouldBe(InstanceReasons.ServiceExited);
        e.Summary.ShouldBe("service 'api' exited with code 3");
        e.Message.ShouldBe("service 'api' exited with code 3; last log lines: starting api | panic: no config");
        var i = await _w.InstanceAsync();
        Ready(i)!.Reason.ShouldBe(InstanceReasons.ServiceExited);
        Conditions.Get(i.Status.Conditions, ConditionTypes.ContainersReady)!.Reason.ShouldBe(InstanceReasons.ServiceExited);
        i.Status.ComposeHash.ShouldNotBeNull("a retry starts warm");
        _w.Docker.InnerEngines.Open.ShouldBe(0);
    }

    [Fact]
    public async Task Ports_that_never_answer_are_PortsNotAnswering_after_the_deadline_on_the_fake_clock()
    {
        await SeedAsync();
        var reconciler = _w.Instances();
        _w.Docker.Host.Before = op =>
        {
            if (op == "StartDind") foreach (var p in _w.Docker.Host.Containers[Container].Spec.Ports) _w.Docker.Ports.Silent.Add(p.HostPort);
        };
        (await _w.ReconcileAsync(reconciler)).RequeueAfter.ShouldNotBeNull();
        Ready(await _w.InstanceAsync())!.Reason.ShouldBe(InstanceReasons.Starting);

        _w.Clock.Advance(_w.Settings.PortDeadline);
        var e = await Should.ThrowAsync<ReconcileFailedException>(() => _w.ReconcileAsync(reconciler));
        e.Reason.ShouldBe(InstanceReasons.PortsNotAnswering);
        e.Summary.ShouldBe("ports did not answer within 60s");
        e.Message.ShouldContain("port 'web' (3000, host ");
        e.Message.ShouldContain("service 'api' running (no log output); service 'web' running (no log output)");
        Ready(await _w.InstanceAsync())!.Reason.ShouldBe(InstanceReasons.PortsNotAnswering);

        _w.Docker.Ports.Silent.Clear();
        (await _w.ReconcileAsync(reconciler)).ShouldBe(ReconcileResult.Done);
        Ready(await _w.InstanceAsync())!.Reason.ShouldBe(InstanceReasons.Running);
    }

    [Fact]
    public async Task An_inner_engine_that_never_answers_is_InnerEngineNotAnswering_after_its_timeout()
    {
        await SeedAsync();
        _w.Docker.Host.Before = op =>
        {
            if (op == "StartDind") _w.Docker.Host.InnerOf(_w.Docker.Host.Containers[Container]).NeverAnswers = true;
        };
        var started = _w.Clock.GetUtcNow();
        var e = await Should.ThrowAsync<ReconcileFailedException>(() => _w.ReconcileAsync(_w.Instances()));
        e.Reason.ShouldBe(InstanceReasons.InnerEngineNotAnswering);
        e.Message.ShouldContain($"did not answer within 5s; see `docker exec {Container} cat /var/log/dockerd.log`");
        (_w.Clock.GetUtcNow() - started).ShouldBeGreaterThanOrEqualTo(_w.Settings.InnerEngineTimeout);
        Ready(await _w.InstanceAsync())!.Reason.ShouldBe(InstanceReasons.InnerEngineStarting);
        _w.Docker.InnerEngines.Open.ShouldBe(0);
    }

    [Fact]
    public async Task A_taken_dynamic_port_gets_fresh_ports_and_the_container_is_recreated_once()
    {
        await SeedAsync();
        var reconciler = _w.Instances();
        int? taken = null;
        _w.Docker.Host.Before = op =>
        {
            if (op == "StartDind" && taken is null) _w.Docker.Host.TakenHostPorts.Add((taken = _w.Docker.Host.Containers[Container].Spec.Ports[0].HostPort).Value);
        };
        (await _w.ReconcileAsync(reconciler)).RequeueAfter.ShouldNotBeNull();
        var i = await _w.InstanceAsync();
        i.Status.Ports.Select(p => p.Dynamic).ShouldNotContain(taken!.Value);
        _w.Events.Of(i.Key).Select(e => e.Reason).ShouldContain("PortConflict");

        (await _w.ReconcileAsync(reconciler)).ShouldBe(ReconcileResult.Done);
        _w.Events.Of(i.Key).Select(e => e.Reason).ShouldContain("Recreating");
        _w.Docker.Host.Containers.Count.ShouldBe(1);
        _w.Docker.Host.Containers[Container].Spec.Ports.Select(p => p.HostPort).ShouldNotContain(taken.Value);
        _w.Docker.Host.Volumes.Keys.ShouldBe([Volume]);
        Ready(await _w.InstanceAsync())!.Status.ShouldBe(ConditionStatus.True);
    }

    /// <summary>A controller killed at any step: the next pass finds what the killed one made and converges without duplicates.</summary>
    [Theory]
    [InlineData("EnsureVolume")]
    [InlineData("CreateDind")]
    [InlineData("StartDind")]
    [InlineData("Exec")]
    [InlineData("Exec:up")]
    public async Task A_pass_killed_mid_phase_is_finished_by_the_next_without_duplicates(string killedAt)
    {
        await SeedAsync();
        using var kill = new CancellationTokenSource();
        _w.Docker.Host.Before = op => { if (op == killedAt) kill.Cancel(); };
        await Should.ThrowAsync<OperationCanceledException>(() => _w.ReconcileAsync(_w.Instances(), ct: kill.Token));
        _w.Docker.Host.Before = null;

        (await _w.ReconcileAsync(_w.Instances())).ShouldBe(ReconcileResult.Done);
        Ready(await _w.InstanceAsync())!.Status.ShouldBe(ConditionStatus.True);
        _w.Docker.Host.Containers.Keys.ShouldBe([Container]);
        _w.Docker.Host.Volumes.Keys.ShouldBe([Volume]);
        _w.Docker.Inner(ProjectName, "dev")!.Containers.Select(c => c.Service).Order().ShouldBe(["api", "web"]);
        _w.Docker.InnerEngines.Open.ShouldBe(0);
    }

    [Fact]
    public async Task Stop_then_start_keeps_the_volume_and_starts_warm_without_compose_or_loading()
    {
        await SeedAsync();
        await _w.ReconcileAsync(_w.Instances());
        var i = await _w.InstanceAsync();
        i.Spec.State = InstanceStates.Stopped;
        await _w.Store.UpdateAsync(i);
        await _w.ReconcileAsync(_w.Instances());
        i = await _w.InstanceAsync();
        i.Status.Phase.ShouldBe("Stopped");
        Conditions.IsTrue(i.Status.Conditions, ConditionTypes.Stopped).ShouldBeTrue();
        i.Status.RestartPolicyOverrides.Count.ShouldBe(2, "running services were given unless-stopped");
        _w.Docker.Host.Containers[Container].Running.ShouldBeFalse();

        i.Spec.State = InstanceStates.Running;
        await _w.Store.UpdateAsync(i);
        var calls = _w.Docker.Host.Calls.Count;
        (await _w.ReconcileAsync(_w.Instances())).ShouldBe(ReconcileResult.Done);
        _w.Docker.Host.Calls.Skip(calls).ShouldNotContain("Exec:up");
        var inner = _w.Docker.Inner(ProjectName, "dev")!;
        inner.Loads.ShouldBe(1);
        inner.Containers.ShouldAllBe(c => c.State == "running" && c.RestartPolicy == "no");
        (await _w.InstanceAsync()).Status.RestartPolicyOverrides.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_finalizer_leaves_nothing_in_the_engine()
    {
        await SeedAsync();
        await _w.ReconcileAsync(_w.Instances());
        _w.Docker.Inventory().ShouldNotBeEmpty();
        (await _w.InstanceFinalizer().FinalizeAsync(await _w.InstanceAsync(), CancellationToken.None)).ShouldBe(FinalizeResult.Done);
        _w.Docker.Inventory().ShouldBeEmpty();
    }

    public void Dispose() => _w.Dispose();
}
