using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Instances.BareServices.BareServiceWorld;
using Coast.Client.Store;

namespace Coast.Tests.Instances.BareServices;

/// <summary>
/// The failure private paths exist for (seeds/private-paths.txt), on the real engine and real DinD: two
/// instances of one project root whose bare service takes an exclusive flock on a file under the workspace.
/// With the directory private, both run (each has its own inode); without, the second one fails `coast run`.
/// A private path escaping the workspace is one clear error, and nothing is applied.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class PrivatePathTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    // Like `next dev`: refuses to start while another process holds .next/dev/lock.
    private const string LockingService = """
        [ports]
        web = {web}

        [services.web]
        command = "mkdir -p /workspace/.next/dev /tmp/www && echo up > /tmp/www/index.html && flock -n -E 9 /workspace/.next/dev/lock -c 'echo holding the lock; exec busybox httpd -f -p {web} -h /tmp/www' || { echo 'Another dev server is already running.'; exit 9; }"
        port = {web}
        """;

    [Fact]
    public async Task Two_instances_holding_a_lock_under_a_private_path_both_run()
    {
        await using var world = Create(pg, LockingService, coastExtra: "private_paths = [\".next\"]");
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var one = await world.Cli.RunAsync("run", "dev-1");
        one.ExitCode.ShouldBe(0, one.ToString());
        var two = await world.Cli.RunAsync("run", "dev-2");
        two.ExitCode.ShouldBe(0, two.ToString());
        (await ExecAsync(world, "dev-2", "cat", "/var/log/coast-services/web.log")).ShouldContain("holding the lock");
        // The private directory lives on the container's own layer, not in the project root.
        (await ExecAsync(world, "dev-1", "mountpoint", "/workspace/.next")).ShouldContain("is a mountpoint");
        File.Exists(Path.Combine(world.Dir, ".next", "dev", "lock")).ShouldBeFalse();
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("rm", "dev-2")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Without_the_private_path_the_second_instance_fails_on_the_lock()
    {
        await using var world = Create(pg, LockingService);
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("run", "dev-1")).ExitCode.ShouldBe(0);
        var two = await world.Cli.RunAsync("run", "dev-2", "--timeout", "3m");
        two.ExitCode.ShouldBe(1, two.ToString());
        two.Err.ShouldContain("bare service 'web' exited with code 9");
        two.Err.ShouldContain("Another dev server is already running.");
        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await world.Cli.RunAsync("rm", "dev-2")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_private_path_escaping_the_workspace_is_one_clear_error_and_nothing_is_applied()
    {
        await using var world = Create(pg, LockingService, coastExtra: "private_paths = [\"../outside\"]");
        var build = await world.Cli.RunAsync("build");
        build.ExitCode.ShouldNotBe(0);
        build.Err.ShouldContain("[coast] private_paths[0]");
        build.Err.Trim().Split('\n').Length.ShouldBe(1, build.ToString());
        build.Err.ShouldNotContain("   at ");
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        (await coast.Resources.GetAsync(new ResourceKey(Project.KindName, world.Project, world.Project))).ShouldBeNull();
    }
}
