using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.SharedServices;

/// <summary>
/// The shared-service health loop on the real engine, through the real controller: the shared Postgres container is
/// killed behind Coast's back; its die event wakes the SharedService, which starts it again, waits for Postgres to
/// answer and is Ready again, well before the 5-minute resync would have noticed.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class SharedServiceHealthTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    private const string Compose = """
        version: "3.7"
        services:
          app:
            image: coast/postgres:15
            entrypoint: ["busybox", "httpd", "-f", "-p", "3000", "-h", "/tmp"]
            ports:
              - "{web}:3000"
        """;

    private const string Coastfile = """
        [ports]
        web = {web}

        [shared_services.postgres]
        image = "coast/postgres:15"
        volumes = ["pgdata:/var/lib/postgresql/data"]
        env = { POSTGRES_PASSWORD = "pw" }
        auto_create_db = true
        """;

    [Fact]
    public async Task A_killed_shared_container_is_started_again_and_ready_again()
    {
        _ = _docker;
        await SharedServiceWorld.PostgresImageAsync();
        await using var s = SharedServiceWorld.Create(pg, Coastfile, Compose);
        var cli = s.World.Cli;
        s.World.StartController();
        (await cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await cli.RunAsync("run", "dev-1");
        run.ExitCode.ShouldBe(0, run.ToString());
        (await ReadyAsync(s)).ShouldNotBeNull("Ready before the kill");

        var sw = Stopwatch.StartNew();
        (await SharedServiceWorld.DockerAsync("kill", s.Container("postgres"))).ShouldBe(s.Container("postgres"));
        (await SharedServiceWorld.DockerAsync("inspect", "-f", "{{.State.Running}}", s.Container("postgres"))).ShouldBe("false");
        var back = await Poll.ValueAsync(async () =>
            (await SharedServiceWorld.DockerAsync("inspect", "-f", "{{.State.Running}}", s.Container("postgres"))) == "true" && await ReadyAsync(s) is { } r ? r : null,
            TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        back.ShouldNotBeNull($"not running and Ready again within 90 s: {await cli.RunAsync("describe", "sharedservice", "postgres")}");
        sw.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90));
        // Postgres itself answers (Ready waited for its own check), and the data volume is the same.
        (await SharedServiceWorld.DockerAsync("exec", s.Container("postgres"), "psql", "-U", "postgres", "-tAc", "select 1 from pg_database where datname = 'dev_1'")).ShouldBe("1");
        var describe = await cli.RunAsync("describe", "sharedservice", "postgres");
        describe.Out.ShouldContain("ContainerRestarted", customMessage: describe.ToString());
        (await cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await cli.RunAsync("shared-services", "rm", "--force", "--volumes")).ExitCode.ShouldBe(0);
    }

    /// <summary>Ready=True of the current generation with the Running reason, or null.</summary>
    private async Task<Condition?> ReadyAsync(SharedServiceWorld s) =>
        await s.SharedAsync(pg, "postgres") is { } shared && Conditions.Get(shared.Status.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.True } ready
            && ready.Reason == SharedServiceReasons.Running && shared.Status.ObservedGeneration == shared.Metadata.Generation ? ready : null;
}
