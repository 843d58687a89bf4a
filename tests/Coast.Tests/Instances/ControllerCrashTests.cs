using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Processes;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Instances;

/// <summary>
/// SIGKILL of the controller (its child processes left running, as a crash leaves them) at several points of
/// `coast run`: a new controller converges every instance with no duplicate container, volume or inner
/// container, and a CLI wait with nothing to converge it ends at its own timeout.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class ControllerCrashTests(DockerFixture docker, PostgresFixture pg, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task Killing_the_controller_mid_run_converges_after_restart_without_duplicates()
    {
        await using var world = new CoastWorld(pg);
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        var controller = world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);

        // Kill points: the instance is only in the store; its DinD container exists; its services are being created.
        var points = new (string Name, Func<string, Task<bool>> Reached)[]
        {
            ("stored", async i => await coast.Resources.GetAsync(new ResourceKey(Instance.KindName, world.Project, i)) is not null),
            ("container", async i => (await world.LabelledAsync("container", i)).Count > 0),
            ("services", async i => (await InnerContainersAsync(world, i)).Count > 0),
        };
        foreach (var (point, reached) in points)
        {
            var name = $"crash-{point}";
            var sw = Stopwatch.StartNew();
            var run = world.Cli.RunAsync("run", name, "--timeout", "3m");
            (await Poll.UntilAsync(() => reached(name), TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(100))).ShouldBeTrue($"kill point '{point}' not reached");
            controller.Kill(); // the controller alone: its docker children live on, as after a crash
            await controller.WaitForExitAsync();
            controller = world.StartController();

            var result = await run;
            output.WriteLine($"{point}: run exited {result.ExitCode} after {sw.Elapsed.TotalSeconds:0.0}s");
            result.ExitCode.ShouldBe(0, $"killed at '{point}': {result}");
            sw.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(15));
            (await world.LabelledAsync("container", name)).Count.ShouldBe(1, point);
            (await world.LabelledAsync("volume", name)).Count.ShouldBe(1, point);
            (await InnerContainersAsync(world, name)).Count.ShouldBe(2, point);
        }

        // With no controller at all, the CLI still ends at its own timeout (exit 5), and a controller started
        // afterwards converges what it left.
        controller.Kill();
        await controller.WaitForExitAsync();
        var waited = Stopwatch.StartNew();
        var stalled = await world.Cli.RunAsync("run", "stalled", "--timeout", "8s");
        output.WriteLine($"stalled: exit {stalled.ExitCode} after {waited.Elapsed.TotalSeconds:0.0}s");
        stalled.ExitCode.ShouldBe(5, stalled.ToString());
        stalled.Err.ShouldContain("timed out after 8s");
        waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8 + 8)); // process start and database open included
        world.StartController();
        var key = new ResourceKey(Instance.KindName, world.Project, "stalled");
        (await Poll.UntilAsync(async () => await coast.Resources.GetAsync(key) is Instance i && Conditions.IsTrue(i.Status.Conditions, "Ready"),
            TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(100))).ShouldBeTrue("the stalled instance did not converge");
        (await world.LabelledAsync("container", "stalled")).Count.ShouldBe(1);
    }

    /// <summary>Containers inside an instance (empty while its container or inner engine is not up).</summary>
    private static async Task<IReadOnlyList<string>> InnerContainersAsync(CoastWorld world, string instance)
    {
        var r = await ProcessRunner.RunAsync("docker", ["exec", $"{world.Project}-coasts-{instance}", "docker", "ps", "-aq"], TimeSpan.FromSeconds(20));
        return r.ExitCode == 0 ? r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

}
