using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Instances.Assign;
using Coast.Controller.Instances.BareServices;
using Coast.Controller.Runtime;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Docker.Fakes.ReconcilerWorld;

namespace Coast.Tests.Instances.Assign;

/// <summary>
/// AssignStep over the fake engine: the instance is brought up by the Instance reconciler (compose `api` built,
/// `web` image-only), then spec.worktree moves to .worktrees/feature and the step is run on its own, with a bare
/// service `worker` that the fake supervisor reports running. The same paths on the real engine: AssignTests,
/// ComposeAssignTests.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class AssignStepTests : IDisposable
{
    private const string Feature = ".worktrees/feature";
    private const string Workdir = "/workspace";
    private readonly ReconcilerWorld _w = new();
    private string Container => CoastNames.InstanceContainer(ProjectName, "dev");
    private FakeContainerEngine Engine => _w.Docker.Host;

    public AssignStepTests()
    {
        foreach (var dir in new[] { _w.Dir, Path.Combine(_w.Dir, Feature) })
        {
            Directory.CreateDirectory(Path.Combine(dir, "api"));
            File.WriteAllText(Path.Combine(dir, "api", "Dockerfile"), "FROM coast/base:bookworm\n");
            File.WriteAllText(Path.Combine(dir, "api", "main.js"), dir == _w.Dir ? "v1\n" : "v2\n");
        }
        // The supervisor inside the instance: `worker` runs.
        Engine.ExecReply = (_, cmd) => cmd is ["sh", "-c", var s] && s.Contains($"{SupervisorScript.Path} status", StringComparison.Ordinal)
            ? new ExecResult(0, "worker running 0 - 1\n", "") : null;
    }

    private AssignStep Step() => new(_w.Store, _w.Events, Engine, _w.Clock);

    /// <summary>A running instance on the project root, then spec.worktree set to the feature worktree (status.worktree still the root).</summary>
    private async Task<(Instance Instance, Project Project, Build Build)> RunningThenAssignedAsync(Action<AssignSpec> assign)
    {
        var project = await _w.CreateProjectAsync();
        var build = await _w.CreateCompletedBuildAsync();
        await _w.CreateInstanceAsync();
        (await _w.ReconcileAsync(_w.Instances())).ShouldBe(ReconcileResult.Done);
        Engine.Containers[Container].Workspace.ShouldBe("/host-project");
        project.Spec.Services["worker"] = new BareServiceSpec { Command = "sleep 1000", Restart = "always" };
        assign(project.Spec.Assign);
        var instance = await _w.InstanceAsync();
        instance.Spec.Worktree = Feature;
        instance = (Instance)await _w.Store.UpdateAsync(instance);
        Engine.Execs.Clear();
        Engine.Remounts.Clear();
        return (instance, project, build);
    }

    private Task EnsureAsync((Instance Instance, Project Project, Build Build) s) =>
        Step().EnsureAsync(Container, s.Instance, s.Project, s.Build, Workdir, created: false, default);

    private string[] ComposeRestart(params string[] services) =>
        [.. InstanceLayout.ComposeCommand(new Project { Metadata = { Name = ProjectName } }, Workdir), "restart", .. services];

    private string[] ComposeRecreate(string service) =>
        [.. InstanceLayout.ComposeCommand(new Project { Metadata = { Name = ProjectName } }, Workdir), "up", "-d", "--no-deps", "--force-recreate", service];

    private static readonly string[] ApiImageBuild = ["docker", "build", "-q", "-t", ApiImage, "-f", "/workspace/api/Dockerfile", "/workspace/api"];
    private static readonly string[] WorkerReinstall = ["rm", "-f", "/coast/services/worker/installed"];
    private static readonly string[] WorkerRestart = ["sh", SupervisorScript.Path, "restart", "worker"];

    /// <summary>The exec'd commands that act on services (not the workspace check/switch, the supervisor's install or status).</summary>
    private List<string> Actions() => Engine.Execs.Select(e => e.Command)
        .Where(c => c is not ["sh", "-c", ..])
        .Select(c => string.Join(' ', c)).ToList();

    private async Task<Condition> MountedAsync() =>
        Conditions.Get((await _w.InstanceAsync()).Status.Conditions, ConditionTypes.WorkspaceMounted).ShouldNotBeNull();

    [Theory]
    [InlineData(AssignPlan.None)]
    [InlineData(AssignPlan.Hot)]
    public async Task None_and_hot_switch_the_mount_and_restart_nothing(string action)
    {
        var s = await RunningThenAssignedAsync(a => a.Default = action);
        await EnsureAsync(s);

        Engine.Remounts.ShouldBe([(Container, $"/host-project/{Feature}")]);
        Engine.Containers[Container].Workspace.ShouldBe($"/host-project/{Feature}");
        Actions().ShouldBeEmpty();
        var i = await _w.InstanceAsync();
        i.Status.Worktree.ShouldBe(Feature);
        (await MountedAsync()).ShouldSatisfyAllConditions(c => c.Status.ShouldBe(ConditionStatus.True),
            c => c.Reason.ShouldBe(InstanceReasons.WorkspaceMatches), c => c.ObservedGeneration.ShouldBe(i.Metadata.Generation));
        _w.Events.Of(i.Key).Last().Message.ShouldBe($"/workspace switched to {Feature}: api {action}, web {action}, worker {action}");
        (await Step().SettledAsync(Container, i, s.Project, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Restart_restarts_the_compose_services_and_the_running_bare_service()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Restart);
        await EnsureAsync(s);

        Actions().ShouldBe([string.Join(' ', ComposeRestart("api", "web")), string.Join(' ', WorkerRestart)]);
        (await _w.InstanceAsync()).Status.Worktree.ShouldBe(Feature);
    }

    [Fact]
    public async Task A_bare_service_that_is_not_running_is_not_started_by_a_restart()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Restart);
        Engine.ExecReply = (_, cmd) => cmd is ["sh", "-c", var x] && x.Contains("status", StringComparison.Ordinal)
            ? new ExecResult(0, "worker pending 0 - 0\n", "") : null;
        await EnsureAsync(s);

        Actions().ShouldBe([string.Join(' ', ComposeRestart("api", "web"))]);
    }

    [Fact]
    public async Task Rebuild_with_a_changed_trigger_builds_from_the_new_worktree_and_recreates()
    {
        File.AppendAllText(Path.Combine(_w.Dir, Feature, "api", "Dockerfile"), "RUN true\n");
        var s = await RunningThenAssignedAsync(a =>
        {
            a.Default = AssignPlan.None;
            a.Services["api"] = a.Services["worker"] = AssignPlan.Rebuild;
            a.RebuildTriggers["api"] = ["api/Dockerfile"];
            a.RebuildTriggers["worker"] = ["api/Dockerfile"];
        });
        await EnsureAsync(s);

        Actions().ShouldBe([string.Join(' ', ApiImageBuild), string.Join(' ', ComposeRecreate("api")), string.Join(' ', WorkerReinstall), string.Join(' ', WorkerRestart)]);
        _w.Events.Of(s.Instance.Key).Last().Message.ShouldEndWith("api rebuild, web none, worker rebuild");
    }

    [Fact]
    public async Task Rebuild_whose_triggers_did_not_change_restarts_instead()
    {
        // api/main.js differs between the worktrees, but the trigger api/Dockerfile is the same in both.
        var s = await RunningThenAssignedAsync(a =>
        {
            a.Default = AssignPlan.None;
            a.Services["api"] = a.Services["worker"] = AssignPlan.Rebuild;
            a.RebuildTriggers["api"] = ["api/Dockerfile"];
            a.RebuildTriggers["worker"] = ["api/Dockerfile"];
        });
        await EnsureAsync(s);

        Actions().ShouldBe([string.Join(' ', ComposeRestart("api")), string.Join(' ', WorkerRestart)]);
        Actions().ShouldNotContain(a => a.StartsWith("docker build", StringComparison.Ordinal));
        _w.Events.Of(s.Instance.Key).Last().Message.ShouldEndWith("api restart, web none, worker restart");
    }

    [Fact]
    public async Task An_assign_interrupted_after_the_switch_carries_out_its_actions_on_the_next_pass_and_only_once()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Restart);
        // A controller died after switching the mount: /workspace shows the feature worktree, status.worktree is still the root.
        Engine.Containers[Container].Workspace = $"/host-project/{Feature}";
        (await _w.InstanceAsync()).Status.Worktree.ShouldBeNull();
        (await Step().SettledAsync(Container, await _w.InstanceAsync(), s.Project, default)).ShouldBeFalse();

        await EnsureAsync(s);
        Engine.Remounts.ShouldBeEmpty("the mount was already right");
        Actions().ShouldBe([string.Join(' ', ComposeRestart("api", "web")), string.Join(' ', WorkerRestart)]);
        var done = await _w.InstanceAsync();
        done.Status.Worktree.ShouldBe(Feature);

        Engine.Execs.Clear();
        (await Step().SettledAsync(Container, done, s.Project, default)).ShouldBeTrue();
        await Step().EnsureAsync(Container, done, s.Project, s.Build, Workdir, created: false, default);
        Actions().ShouldBeEmpty("the actions of this worktree are done");
    }

    [Fact]
    public async Task A_mount_that_does_not_show_the_worktree_after_the_switch_is_reported_false_with_what_it_shows()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Restart);
        // The switch "succeeds" but /workspace stays empty (what the tool we replace reported as fine).
        Engine.ExecReply = (_, cmd) => cmd is ["sh", "-c", var x, "sh", _] && x.Contains("stat -c %d:%i", StringComparison.Ordinal)
            ? new ExecResult(0, "empty\n", "")
            : cmd is ["sh", "-c", var y, "sh", _] && y.Contains("mount --bind", StringComparison.Ordinal) ? new ExecResult(0, "", "") : null;

        var e = await Should.ThrowAsync<ReconcileFailedException>(() => EnsureAsync(s));
        e.Reason.ShouldBe(InstanceReasons.AssignFailed);
        e.Message.ShouldContain($"/workspace is empty, not {Feature}");
        var mounted = await MountedAsync();
        mounted.Status.ShouldBe(ConditionStatus.False);
        mounted.Reason.ShouldBe(InstanceReasons.WorkspaceMismatch);
        mounted.Message.ShouldBe($"/workspace is empty, not {Feature}");
        (await _w.InstanceAsync()).Status.Worktree.ShouldBeNull("nothing of the new worktree is done");
        Actions().ShouldBeEmpty("no service is restarted onto an empty workspace");
    }

    [Fact]
    public async Task A_workspace_moved_behind_its_back_is_not_settled_and_is_switched_back_with_every_service_restarted()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Hot);
        await EnsureAsync(s);
        var assigned = await _w.InstanceAsync();
        (await MountedAsync()).Status.ShouldBe(ConditionStatus.True);

        // A container restart: the entrypoint mounted the worktree the container was created with (the root).
        Engine.Containers[Container].Workspace = "/host-project";
        (await Step().SettledAsync(Container, assigned, s.Project, default)).ShouldBeFalse();
        Engine.Execs.Clear();
        Engine.Remounts.Clear();
        await Step().EnsureAsync(Container, assigned, s.Project, s.Build, Workdir, created: false, default);

        Engine.Remounts.ShouldBe([(Container, $"/host-project/{Feature}")]);
        Actions().ShouldBe([string.Join(' ', ComposeRestart("api", "web")), string.Join(' ', WorkerRestart)], "what started on the wrong files restarts, whatever [assign] says");
        (await MountedAsync()).Status.ShouldBe(ConditionStatus.True);
    }

    [Fact]
    public async Task A_worktree_missing_on_the_host_is_terminal_and_changes_nothing()
    {
        var s = await RunningThenAssignedAsync(a => a.Default = AssignPlan.Restart);
        s.Instance.Spec.Worktree = ".worktrees/gone";

        var e = await Should.ThrowAsync<TerminalReconcileException>(() => EnsureAsync(s));
        e.Reason.ShouldBe(InstanceReasons.WorktreeMissing);
        e.Message.ShouldContain("worktree '.worktrees/gone' does not exist");
        (await MountedAsync()).Reason.ShouldBe(InstanceReasons.WorktreeMissing);
        Engine.Remounts.ShouldBeEmpty();
        Actions().ShouldBeEmpty();
    }

    public void Dispose() => _w.Dispose();
}
