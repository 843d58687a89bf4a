using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Instances;

/// <summary>A build that fails forever, on the real engine through the real `coast` binary and controller.</summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class BuildFailureTests(DockerFixture docker, PostgresFixture pg, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task A_failing_RUN_step_backs_off_names_the_builders_error_and_leaves_nothing_behind()
    {
        await using var world = new CoastWorld(pg);
        // Everything this Dockerfile makes carries a label unique to this test, so counts are scoped to it.
        var run = $"r{Guid.NewGuid().ToString("N")[..10]}";
        var dockerfile = Path.Combine(world.Dir, "api", "Dockerfile");
        var original = await File.ReadAllTextAsync(dockerfile);
        await File.WriteAllTextAsync(dockerfile, $"FROM scratch\nLABEL coast.test.build-failure={run}\nCOPY srv /srv\nRUN /srv/cgi-bin/whoami\n");
        (await CountAsync("ps", run)).ShouldBe(0);
        (await CountAsync("images", run)).ShouldBe(0);
        world.StartController();
        try
        {
            await FailingBuildAsync(world, run, dockerfile, original);
        }
        finally
        {
            await RemoveLabelledAsync(run);
        }
    }

    private async Task FailingBuildAsync(CoastWorld world, string run, string dockerfile, string original)
    {

        var started = Stopwatch.StartNew();
        var build = await world.Cli.RunAsync("build", "--timeout", "2m");
        var failedAfter = started.Elapsed;
        build.ExitCode.ShouldBe(1, build.ToString());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20)); // the first failed attempt, not a later one
        build.Err.ShouldContain("ImageBuildFailed", customMessage: build.ToString());
        build.Err.ShouldContain("exec: \"/bin/sh\": stat /bin/sh: no such file or directory", customMessage: build.ToString());
        build.Err.ShouldContain("RUN /srv/cgi-bin/whoami)", customMessage: build.ToString());
        build.Err.ShouldContain("step 4/", customMessage: build.ToString());
        build.Err.ShouldNotContain("Running in");

        // The controller keeps retrying with backoff; count attempts over 40 s (the old loop made one a second).
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        var failed = (await coast.Resources.ListAsync(Build.KindName, world.Project)).Single();
        var window = TimeSpan.FromSeconds(40) - started.Elapsed;
        if (window > TimeSpan.Zero) await Task.Delay(window); // a measurement window, not synchronisation
        var events = (await coast.Events.ListAsync(failed.Key, 50)).Where(e => e.Reason == "ImageBuildFailed").ToList();
        output.WriteLine($"coast build failed after {failedAfter.TotalSeconds:0.0}s: {build.Err.Trim()}");
        output.WriteLine($"attempts in 40 s: {string.Join(", ", events.Select(e => $"{e.Reason} x{e.Count}"))}");
        events.Count.ShouldBe(1, "the same failure repeated is one event with a count");
        events[0].Count.ShouldBeInRange(2, 11, "attempts in 40 s");
        events[0].Message.ShouldContain("exec: \"/bin/sh\"");
        var ready = Coast.ApiTypes.Model.Conditions.Get(((Build)(await coast.Resources.GetAsync(failed.Key))!).Status.Conditions, "Ready")!;
        ready.Reason.ShouldBe("ImageBuildFailed"); // retries keep the failure visible
        // Between attempts nothing of the failed builds is left: no container of the failing step, no dangling image.
        (await Poll.UntilAsync(async () => await CountAsync("ps", run) == 0 && await CountAsync("images", run) == 0, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)))
            .ShouldBeTrue($"containers: {await CountAsync("ps", run)}, images: {await CountAsync("images", run)}");

        // A fixed Dockerfile is a new build, built at once.
        await File.WriteAllTextAsync(dockerfile, original);
        var fixedBuild = await world.Cli.RunAsync("build", "--timeout", "3m");
        fixedBuild.ExitCode.ShouldBe(0, fixedBuild.ToString());
        (await coast.Resources.ListAsync(Build.KindName, world.Project)).Count.ShouldBe(2);
    }

    /// <summary>Even after a failure, nothing with this test's label stays on the engine.</summary>
    private static async Task RemoveLabelledAsync(string run)
    {
        var containers = await ProcessRunner.RunAsync("docker", ["ps", "-a", "-q", "--filter", $"label=coast.test.build-failure={run}"]);
        foreach (var id in containers.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            await ProcessRunner.RunAsync("docker", ["rm", "-f", id]);
        var images = await ProcessRunner.RunAsync("docker", ["images", "-a", "-q", "--filter", $"label=coast.test.build-failure={run}"]);
        foreach (var id in images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
            await ProcessRunner.RunAsync("docker", ["rmi", "-f", id]);
    }

    /// <summary>Containers (`ps`) or images (`images`, intermediates included) carrying this test's label.</summary>
    private static async Task<int> CountAsync(string what, string run)
    {
        string[] args = what == "ps"
            ? ["ps", "-a", "-q", "--filter", $"label=coast.test.build-failure={run}"]
            : ["images", "-a", "-q", "--filter", $"label=coast.test.build-failure={run}"];
        var r = await ProcessRunner.RunAsync("docker", args);
        r.ExitCode.ShouldBe(0, r.StandardError);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

}
