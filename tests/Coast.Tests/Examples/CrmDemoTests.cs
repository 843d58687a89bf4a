using Coast.Client.Processes;
using Coast.Controller.Docker.Images;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.Examples;

/// <summary>
/// examples/crm-demo on the real engine and real DinD, through the real controller and CLI: two instances at once
/// share one Postgres and one Redis (Coast's own images), each backend has its own database, the demo's
/// integration suite (health, register/login/logout with Redis sessions, contacts CRUD) passes against both, both
/// Next.js dev servers serve the page with `.next` private to each instance, and `rm` of one keeps the other and
/// the shared data.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class CrmDemoTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task Two_instances_share_postgres_and_redis_pass_the_integration_suite_and_rm_keeps_the_other()
    {
        var images = Path.Combine(Path.GetTempPath(), "coast-test-images");
        await PostgresImage.EnsureAsync(images, new Progress<string>(_ => { }));
        await RedisImage.EnsureAsync(images, new Progress<string>(_ => { }));
        await using var world = new CoastWorld(pg, "crm-demo");
        try
        {
            world.StartController();
            var build = await world.Cli.RunAsync("build");
            build.ExitCode.ShouldBe(0, build.ToString());
            // The first run installs the frontend's packages (npm); the second finds them in the workspace.
            var one = await world.Cli.RunAsync("run", "dev-1", "--timeout", "8m");
            one.ExitCode.ShouldBe(0, one.ToString());
            var two = await world.Cli.RunAsync("run", "dev-2", "--timeout", "5m");
            two.ExitCode.ShouldBe(0, two.ToString());
            var ports = new Dictionary<string, Dictionary<string, int>> { ["dev-1"] = InstanceHttp.RunPorts(one.Out), ["dev-2"] = InstanceHttp.RunPorts(two.Out) };

            // One Postgres and one Redis for both instances, on the host engine.
            var shared = await DockerAsync("ps", "--filter", $"label=coast.project={world.Project}", "--filter", "label=coast.dev/shared-service", "--format", "{{.Names}}");
            shared.Split('\n').Order().ShouldBe([$"{world.Project}-shared-services-postgres", $"{world.Project}-shared-services-redis"]);

            // The integration suite against each backend, each in its own database.
            foreach (var (instance, db) in new[] { ("dev-1", "dev_1"), ("dev-2", "dev_2") })
            {
                var suite = await IntegrationAsync(ports[instance]["backend"], db);
                suite.ExitCode.ShouldBe(0, suite.StandardOutput + suite.StandardError);
                suite.StandardOutput.ShouldContain("checks passed");
            }
            // Both suites' users are in their own databases of the one server.
            (await PsqlAsync(world, "dev_1", "select count(*) from users")).ShouldBe("1");
            (await PsqlAsync(world, "dev_2", "select count(*) from users")).ShouldBe("1");

            // Both Next.js dev servers serve the page (and proxy /api to their own backend); .next is private to each.
            foreach (var instance in new[] { "dev-1", "dev-2" })
            {
                var page = await Poll.ValueAsync(async () => await InstanceHttp.TryGetAsync(ports[instance]["web"], "/") is { } body && body.Contains("CRM demo") ? body : null,
                    TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1));
                page.ShouldNotBeNull($"the frontend of {instance} did not serve the page");
                var proxied = await Poll.ValueAsync(async () => await InstanceHttp.TryGetAsync(ports[instance]["web"], "/api/health"), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
                proxied.ShouldNotBeNull().ShouldContain($"\"instance\":\"{instance}\"");
                (await DockerAsync("exec", $"{world.Project}-coasts-{instance}", "mountpoint", "/workspace/frontend/.next")).ShouldContain("is a mountpoint");
                (await DockerAsync("exec", $"{world.Project}-coasts-{instance}", "test", "-d", "/workspace/frontend/.next/server")).ShouldBe("");
            }
            Directory.Exists(Path.Combine(world.Dir, "frontend", ".next", "server")).ShouldBeFalse("the dev servers' output stays in the instances");

            // rm of one instance: the other still passes, the shared services and the removed one's data stay.
            (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
            (await DockerAsync("ps", "--filter", $"label=coast.project={world.Project}", "--filter", "label=coast.dev/shared-service", "-q")).Split('\n').Length.ShouldBe(2);
            var after = await IntegrationAsync(ports["dev-2"]["backend"], "dev_2");
            after.ExitCode.ShouldBe(0, after.StandardOutput + after.StandardError);
            (await PsqlAsync(world, "dev_1", "select count(*) from users")).ShouldBe("1");
            (await PsqlAsync(world, "dev_2", "select count(*) from users")).ShouldBe("2");
            (await world.Cli.RunAsync("rm", "dev-2")).ExitCode.ShouldBe(0);
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["network", "rm", $"coast-shared-{world.Project}"], TimeSpan.FromSeconds(30));
        }
    }

    private static Task<ProcessResult> IntegrationAsync(int backendPort, string database) =>
        ProcessRunner.RunAsync("node", [Path.Combine(RepoRoot.Path, "examples", "crm-demo", "test", "integration.mjs"), $"http://127.0.0.1:{backendPort}",
            "--expect-database", database, "--wait", "90"], TimeSpan.FromMinutes(2));

    private static Task<string> PsqlAsync(CoastWorld world, string database, string sql) =>
        DockerAsync("exec", $"{world.Project}-shared-services-postgres", "psql", "-U", "postgres", "-d", database, "-tAc", sql);

    private static async Task<string> DockerAsync(params string[] args)
    {
        var r = await ProcessRunner.RunAsync("docker", args, TimeSpan.FromMinutes(2));
        return (r.StandardOutput + r.StandardError).Trim();
    }
}
