using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.SharedServices;

/// <summary>
/// Shared services on the real engine and real DinD, through the real controller and CLI: one Postgres
/// (Coast's own image, built from Debian packages) for two instances of a project, each with its own database
/// from auto_create_db, reached by the service name from an inner compose container; data kept across an
/// instance's rm and re-run and across shared-services stop/start; rm refused while in use, --force works and
/// keeps the volume.
/// </summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class SharedServiceTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    // The compose file names postgres as a service and a dependency, as a project running without Coast would;
    // Coast removes both. The app container has psql (same image) and serves HTTP so the instance's port answers.
    private const string Compose = """
        version: "3.7"
        services:
          postgres:
            image: postgres:16
          app:
            image: coast/postgres:15
            entrypoint: ["busybox", "httpd", "-f", "-p", "3000", "-h", "/tmp"]
            ports:
              - "{web}:3000"
            depends_on:
              - postgres
        """;

    private static string Coastfile(int hostPort) => $$"""
        [ports]
        web = {web}

        [shared_services.postgres]
        image = "coast/postgres:15"
        ports = ["{{hostPort}}:5432"]
        volumes = ["pgdata:/var/lib/postgresql/data"]
        env = { POSTGRES_PASSWORD = "pw" }
        auto_create_db = true

        # A bare service in the instance container: the same injected env, and the name resolves there too.
        [services.probe]
        command = "printenv DATABASE_URL > /tmp/bare-url; getent hosts postgres > /tmp/bare-hosts; exec sleep 100000"
        """;

    [Fact]
    public async Task Two_instances_share_one_postgres_each_with_its_own_database_and_the_data_survives_rm_and_stop()
    {
        await SharedServiceWorld.PostgresImageAsync();
        var hostPort = FreePorts.Canonical();
        await using var s = SharedServiceWorld.Create(pg, Coastfile(hostPort), Compose);
        var cli = s.World.Cli;
        s.World.StartController();
        (await cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var one = await cli.RunAsync("run", "dev-1");
        one.ExitCode.ShouldBe(0, one.ToString());
        var two = await cli.RunAsync("run", "dev-2");
        two.ExitCode.ShouldBe(0, two.ToString());

        // One container for both, on the project's network, with the Coastfile's host port.
        (await SharedServiceWorld.DockerAsync("ps", "--filter", $"label=coast.project={s.Project}", "--filter", "label=coast.dev/shared-service", "--format", "{{.Names}}"))
            .ShouldBe(s.Container("postgres"));
        (await SharedServiceWorld.DockerAsync("port", s.Container("postgres"), "5432/tcp")).ShouldContain($":{hostPort}");
        var shared = await Poll.ValueAsync(async () => await s.SharedAsync(pg, "postgres") is { Status.Consumers.Count: 2 } x ? x : null, TimeSpan.FromSeconds(30));
        shared.ShouldNotBeNull().Status.Consumers.ShouldBe(["dev-1", "dev-2"]);
        shared.Status.Network.ShouldBe(s.Network);

        // Each instance's inner container reaches "postgres" by name, in its own database from auto_create_db.
        foreach (var (instance, db) in new[] { ("dev-1", "dev_1"), ("dev-2", "dev_2") })
        {
            var url = await s.InnerExecAsync(instance, "app", "printenv", "DATABASE_URL");
            url.Output.ShouldBe($"postgres://postgres:pw@postgres:5432/{db}");
            var current = await s.InnerExecAsync(instance, "app", "psql", url.Output, "-tAc", "select current_database()");
            current.ShouldBe((0, db));
        }
        (await s.InnerExecAsync("dev-1", "app", "sh", "-c", "psql \"$DATABASE_URL\" -c 'create table notes(t text)' -c \"insert into notes values ('kept')\"")).ExitCode.ShouldBe(0);
        var bareUrl = await Poll.ValueAsync(async () => (await SharedServiceWorld.DockerAsync("exec", $"{s.Project}-coasts-dev-2", "cat", "/tmp/bare-url")) is var u && u.StartsWith("postgres:") ? u : null, TimeSpan.FromSeconds(20));
        bareUrl.ShouldBe("postgres://postgres:pw@postgres:5432/dev_2");
        (await SharedServiceWorld.DockerAsync("exec", $"{s.Project}-coasts-dev-2", "cat", "/tmp/bare-hosts")).ShouldStartWith(shared.Status.Address!);

        // rm of one instance keeps the shared container and the data; a new run of it finds its database again.
        (await cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await s.ExistsAsync("container", s.Container("postgres"))).ShouldBeTrue();
        var again = await cli.RunAsync("run", "dev-1");
        again.ExitCode.ShouldBe(0, again.ToString());
        (await s.InnerExecAsync("dev-1", "app", "sh", "-c", "psql \"$DATABASE_URL\" -tAc 'select t from notes'")).ShouldBe((0, "kept"));

        // In use: rm is refused and nothing is removed.
        var refused = await cli.RunAsync("shared-services", "rm", "postgres");
        refused.ExitCode.ShouldNotBe(0, refused.ToString());
        refused.Err.ShouldContain("in use by dev-1, dev-2");
        refused.Err.ShouldNotContain("   at ");
        (await s.ExistsAsync("container", s.Container("postgres"))).ShouldBeTrue();

        var ps = await cli.RunAsync("shared-services", "ps");
        ps.Out.ShouldContain("postgres");
        ps.Out.ShouldContain("running");
        ps.Out.ShouldContain("2 (dev-1,dev-2)");

        // stop/start keeps the volume and its data.
        (await cli.RunAsync("shared-services", "stop", "postgres")).ExitCode.ShouldBe(0);
        (await SharedServiceWorld.DockerAsync("inspect", "-f", "{{.State.Running}}", s.Container("postgres"))).ShouldBe("false");
        var start = await cli.RunAsync("shared-services", "start", "postgres");
        start.ExitCode.ShouldBe(0, start.ToString());
        (await Poll.UntilAsync(async () => (await s.InnerExecAsync("dev-2", "app", "sh", "-c", "psql \"${DATABASE_URL%/*}/dev_1\" -tAc 'select t from notes'")).Output == "kept",
            TimeSpan.FromSeconds(30))).ShouldBeTrue();

        var restart = await cli.RunAsync("shared-services", "restart", "postgres");
        restart.ExitCode.ShouldBe(0, restart.ToString());
        (await Poll.UntilAsync(async () => (await s.InnerExecAsync("dev-1", "app", "sh", "-c", "psql \"$DATABASE_URL\" -tAc 'select t from notes'")).Output == "kept",
            TimeSpan.FromSeconds(30))).ShouldBeTrue();

        // --force removes the container while in use; the data volume stays.
        var forced = await cli.RunAsync("shared-services", "rm", "postgres", "--force");
        forced.ExitCode.ShouldBe(0, forced.ToString());
        forced.Out.ShouldContain("volumes kept");
        (await s.ExistsAsync("container", s.Container("postgres"))).ShouldBeFalse();
        (await s.ExistsAsync("volume", $"coast-shared--{s.Project}--pgdata")).ShouldBeTrue();
        (await cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        (await cli.RunAsync("rm", "dev-2")).ExitCode.ShouldBe(0);
    }
}
