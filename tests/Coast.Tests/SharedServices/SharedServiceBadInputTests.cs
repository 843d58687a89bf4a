using System.Net;
using System.Net.Sockets;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.SharedServices;

/// <summary>
/// A shared service that cannot run fails `coast run` with one clear error naming the Coastfile field, and
/// leaves no shared container, network or volume behind while the controller keeps retrying with backoff.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class SharedServiceBadInputTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task A_missing_image_is_one_clear_error_and_nothing_is_created()
    {
        await using var s = SharedServiceWorld.Create(pg, """
            [shared_services.db]
            image = "coast-missing/nope:1"
            volumes = ["data:/data"]
            """, compose: null);
        s.World.StartController();
        (await s.World.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await s.World.Cli.RunAsync("run", "dev-1", "--timeout", "2m");
        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Err.ShouldContain("shared service 'db': image 'coast-missing/nope:1' of shared service 'db' ([shared_services.db] image) is not on this Docker engine");
        run.Err.ShouldNotContain("   at ");
        (await s.SharedAsync(pg, "db")).ShouldNotBeNull().Status.Conditions
            .ShouldContain(c => c.Type == ConditionTypes.Ready && c.Reason == SharedServiceReasons.ImageMissing);
        await NothingSharedLeftAsync(s, "db");
        (await s.World.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_taken_host_port_is_one_clear_error_and_the_attempt_leaves_nothing_behind()
    {
        await SharedServiceWorld.PostgresImageAsync();
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using var s = SharedServiceWorld.Create(pg, $$"""
            [shared_services.postgres]
            image = "coast/postgres:15"
            ports = ["{{port}}:5432"]
            volumes = ["pgdata:/var/lib/postgresql/data"]
            """, compose: null);
        s.World.StartController();
        (await s.World.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await s.World.Cli.RunAsync("run", "dev-1", "--timeout", "2m");
        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Err.ShouldContain($"host port {port} of shared service 'postgres' ([shared_services.postgres] ports) is taken by another program");
        run.Err.ShouldNotContain("   at ");
        await NothingSharedLeftAsync(s, "postgres");
        (await s.World.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
    }

    /// <summary>Between attempts (the controller keeps retrying) there is no shared container, network or volume.</summary>
    private static async Task NothingSharedLeftAsync(SharedServiceWorld s, string service)
    {
        var clean = await Poll.UntilAsync(async () =>
            !await s.ExistsAsync("container", s.Container(service)) && !await s.ExistsAsync("network", s.Network)
            && (await SharedServiceWorld.DockerAsync("volume", "ls", "-q", "--filter", $"label=coast.dev/shared-service={service}", "--filter", $"label=coast.project={s.Project}")).Length == 0,
            TimeSpan.FromSeconds(20));
        clean.ShouldBeTrue("a failed attempt left a shared container, network or volume");
    }
}
