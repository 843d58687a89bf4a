using Coast.ApiTypes.Images;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.Controller.Runtime;
using Coast.Tests.Docker.Fakes;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Docker.Fakes.ReconcilerWorld;

namespace Coast.Tests.Reconcilers;

/// <summary>The Build reconciler over the fake engine: every outcome and failure. Against the real engine: BuildFailureTests, LocalInstanceTests.</summary>
[Trait("Category", Category.Unit)]
public sealed class BuildReconcilerTests : IDisposable
{
    private readonly ReconcilerWorld _w = new();

    private async Task CreateBuildAsync() =>
        await _w.Store.CreateAsync(new Build { Metadata = { Name = BuildName, Namespace = ProjectName }, Spec = { Project = ProjectName } });

    [Fact]
    public async Task Builds_each_build_service_once_and_reports_the_images()
    {
        await _w.CreateProjectAsync();
        await CreateBuildAsync();
        (await _w.ReconcileBuildAsync(_w.Builds())).ShouldBe(ReconcileResult.Done);

        var b = await _w.BuildAsync();
        b.Status.Phase.ShouldBe("Complete");
        Ready(b)!.Reason.ShouldBe(BuildReasons.Built);
        b.Status.Images.ShouldBe(new Dictionary<string, string> { ["api"] = ApiImage, ["web"] = WebImage });
        b.Status.InstanceImage.ShouldBe(ImageRecipes.RuntimeImage);
        _w.Docker.Host.Builds.ShouldBe([ApiImage]);
        _w.Events.Of(b.Key).Single().Reason.ShouldBe(BuildReasons.Built);

        (await _w.ReconcileBuildAsync(_w.Builds())).ShouldBe(ReconcileResult.Done);
        _w.Docker.Host.Builds.Count.ShouldBe(1, "a completed build is not built again");
    }

    [Fact]
    public async Task Setup_packages_build_the_instance_image_from_the_runtime_image()
    {
        await _w.CreateProjectAsync(s => s.Setup.Packages.Add("jq"));
        await CreateBuildAsync();
        await _w.ReconcileBuildAsync(_w.Builds());
        var image = CoastNames.InstanceImage(ProjectName, BuildName);
        (await _w.BuildAsync()).Status.InstanceImage.ShouldBe(image);
        _w.Docker.Host.Builds.ShouldBe([ApiImage, image]);
    }

    [Fact]
    public async Task A_missing_project_is_terminal() =>
        (await FailsTerminallyAsync(async () => await CreateBuildAsync())).ShouldBe(BuildReasons.ProjectNotFound);

    [Fact]
    public async Task A_missing_runtime_image_is_terminal()
    {
        _w.Docker.Host.Images.Remove(ImageRecipes.RuntimeImage);
        (await FailsTerminallyAsync(SeedAsync)).ShouldBe(BuildReasons.RuntimeImageMissing);
    }

    [Fact]
    public async Task A_missing_service_image_is_terminal_and_names_it()
    {
        _w.Docker.Host.Images.Remove(WebImage);
        await SeedAsync();
        var e = await Should.ThrowAsync<TerminalReconcileException>(() => _w.ReconcileBuildAsync(_w.Builds()));
        e.Reason.ShouldBe(BuildReasons.ImageNotFound);
        e.Message.ShouldStartWith($"service 'web' uses image '{WebImage}' which is not present locally");
    }

    [Fact]
    public async Task A_missing_or_broken_compose_file_is_terminal()
    {
        File.WriteAllText(Path.Combine(_w.Dir, "docker-compose.yml"), "services: [not, a, map]");
        (await FailsTerminallyAsync(SeedAsync)).ShouldBe(BuildReasons.ComposeFileInvalid);
        File.Delete(Path.Combine(_w.Dir, "docker-compose.yml"));
        (await Should.ThrowAsync<TerminalReconcileException>(() => _w.ReconcileBuildAsync(_w.Builds()))).Reason.ShouldBe(BuildReasons.ComposeFileMissing);
    }

    [Fact]
    public async Task A_failing_build_step_is_ImageBuildFailed_with_its_cause_and_is_retried_until_it_builds()
    {
        await SeedAsync();
        _w.Docker.Host.FailingBuilds[ApiImage] = new ImageBuildException(ApiImage, "Step 2/2 : RUN make", "make: *** No rule to make target", ["make: *** No rule to make target"]);
        var e = await Should.ThrowAsync<ReconcileFailedException>(() => _w.ReconcileBuildAsync(_w.Builds()));
        e.Reason.ShouldBe(BuildReasons.ImageBuildFailed);
        e.Message.ShouldBe("building the image of service 'api': step 2/2 (RUN make) failed: make: *** No rule to make target");
        _w.Docker.Host.Images.ShouldNotContainKey(ApiImage);

        _w.Docker.Host.FailingBuilds.Clear();
        (await _w.ReconcileBuildAsync(_w.Builds())).ShouldBe(ReconcileResult.Done);
        Ready(await _w.BuildAsync())!.Reason.ShouldBe(BuildReasons.Built);
    }

    [Fact]
    public async Task Engine_down_fails_the_pass_without_building()
    {
        await SeedAsync();
        _w.Docker.Host.Down = true;
        await Should.ThrowAsync<HttpRequestException>(() => _w.ReconcileBuildAsync(_w.Builds()));
        _w.Docker.Host.Builds.ShouldBeEmpty();
    }

    /// <summary>Killed after the api image was built but before the status was written: the next pass does not build it again.</summary>
    [Fact]
    public async Task A_pass_killed_after_a_build_step_is_finished_without_building_again()
    {
        await _w.CreateProjectAsync(s => s.Setup.Packages.Add("jq"));
        await CreateBuildAsync();
        using var kill = new CancellationTokenSource();
        _w.Docker.Host.Before = op => { if (op == "BuildImage" && _w.Docker.Host.Builds.Count == 1) kill.Cancel(); };
        await Should.ThrowAsync<OperationCanceledException>(() => _w.ReconcileBuildAsync(_w.Builds(), kill.Token));
        _w.Docker.Host.Before = null;

        (await _w.ReconcileBuildAsync(_w.Builds())).ShouldBe(ReconcileResult.Done);
        _w.Docker.Host.Builds.ShouldBe([ApiImage, CoastNames.InstanceImage(ProjectName, BuildName)]);
    }

    [Fact]
    public async Task The_finalizer_waits_for_instances_that_use_the_build_then_removes_its_images()
    {
        await SeedAsync();
        await _w.ReconcileBuildAsync(_w.Builds());
        var instance = await _w.CreateInstanceAsync();
        instance.Spec.Build = BuildName;
        await _w.Store.UpdateAsync(instance);
        var finalizer = new Coast.Controller.Reconcilers.BuildFinalizer(_w.Store, _w.Docker.Host);
        (await finalizer.FinalizeAsync(await _w.BuildAsync(), CancellationToken.None)).WaitingReason.ShouldBe("BuildInUse");
        _w.Docker.Host.Images.ShouldContainKey(ApiImage);

        await _w.Store.DeleteAsync(instance.Key);
        (await finalizer.FinalizeAsync(await _w.BuildAsync(), CancellationToken.None)).ShouldBe(Coast.Controller.Runtime.FinalizeResult.Done);
        _w.Docker.Host.Images.ShouldNotContainKey(ApiImage);
        _w.Docker.Host.Images.ShouldContainKey(WebImage, "an image the project only names is not ours");
    }

    private async Task SeedAsync()
    {
        await _w.CreateProjectAsync();
        await CreateBuildAsync();
    }

    private async Task<string> FailsTerminallyAsync(Func<Task> seed)
    {
        await seed();
        var e = await Should.ThrowAsync<TerminalReconcileException>(() => _w.ReconcileBuildAsync(_w.Builds()));
        _w.Docker.Host.Builds.ShouldBeEmpty();
        return e.Reason;
    }

    public void Dispose() => _w.Dispose();
}
