using System.Net.Http;
using Coast.Client.Processes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;
using static Coast.Tests.Instances.BareServices.BareServiceWorld;

namespace Coast.Tests.Volumes;

/// <summary>
/// [volumes] on the real engine and real DinD: an isolated volume per instance, filled from snapshot_source at
/// creation and removed with its instance; a shared volume per project, used by every instance and kept when one
/// goes; both wired into the inner compose in place of the compose file's named volumes. [inject] env rides along.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class VolumeInstanceTests(DockerFixture docker, PostgresFixture pg)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly DockerFixture _docker = docker;

    private const string Compose = """
        services:
          web:
            image: coast/base:bookworm
            init: true
            environment:
              PLAIN: "${PLAIN_VAR}"
              INSTANCE: "${INSTANCE_NAME}"
            command: ["sh", "-c", "mkdir -p /www && cp /iso/seed.txt /www/seed; echo $$INSTANCE >> /iso/runs; echo $$INSTANCE >> /shared/visits; cp /iso/runs /www/runs; printf '%s' \"$$PLAIN\" > /www/plain; exec busybox httpd -f -p {web} -h /www"]
            ports:
              - "{web}:{web}"
            volumes:
              - isodata:/iso
              - shareddata:/shared
        volumes:
          isodata:
          shareddata:
        """;

    private const string Coastfile = """
        [coast]
        name = "{project}"
        compose = "docker-compose.yml"

        [ports]
        web = {web}

        [volumes.isodata]
        strategy = "isolated"
        service = "web"
        mount = "/iso"
        snapshot_source = "{seed}"

        [volumes.shareddata]
        strategy = "shared"
        service = "web"
        mount = "/shared"

        [inject]
        env = ["{plainvar}"]
        """;

    [Fact]
    public async Task Isolated_volumes_are_seeded_and_removed_with_their_instance_and_shared_ones_are_kept()
    {
        await using var world = new CoastWorld(pg);
        var rand = Guid.NewGuid().ToString("N")[..10];
        var seed = $"coast-test-seed-{rand}";
        var plainVar = $"COAST_TEST_PLAIN_{rand}";
        var web = world.CanonicalPorts["web"];
        string Fill(string t) => t.Replace("{project}", world.Project).Replace("{web}", web.ToString()).Replace("{seed}", seed)
            .Replace("{plainvar}", plainVar).Replace("PLAIN_VAR", plainVar);
        File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), Fill(Coastfile));
        File.WriteAllText(Path.Combine(world.Dir, "docker-compose.yml"), Fill(Compose));
        // The seed volume carries the project label, so the world's disposal removes it too.
        (await ProcessRunner.RunAsync("docker", ["volume", "create", "--label", $"coast.project={world.Project}", seed])).ExitCode.ShouldBe(0);
        (await ProcessRunner.RunAsync("docker", ["run", "--rm", "-v", $"{seed}:/s", "--entrypoint", "sh", "coast/base:bookworm", "-c", $"echo seeded-{rand} > /s/seed.txt"])).ExitCode.ShouldBe(0);

        world.StartController(new Dictionary<string, string> { [plainVar] = $"plain-{rand}" });
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        foreach (var name in new[] { "dev-1", "dev-2" })
        {
            var run = await world.Cli.RunAsync("run", name);
            run.ExitCode.ShouldBe(0, run.ToString());
        }
        var isolated1 = $"coast--{world.Project}--dev-1--isodata";
        var isolated2 = $"coast--{world.Project}--dev-2--isodata";
        var shared = $"coast-shared--{world.Project}--shareddata";
        foreach (var name in new[] { "dev-1", "dev-2" })
        {
            var port = (await InstanceAsync(world, pg, name)).Status.Ports.Single(p => p.Name == "web").Dynamic;
            (await Http.GetStringAsync($"http://127.0.0.1:{port}/seed")).Trim().ShouldBe($"seeded-{rand}");
            // Each isolated volume is its own copy: it saw only its own instance's runs.
            (await Http.GetStringAsync($"http://127.0.0.1:{port}/runs")).Trim().ShouldBe(name);
            (await Http.GetStringAsync($"http://127.0.0.1:{port}/plain")).ShouldBe($"plain-{rand}");
        }
        (await ReadVolumeAsync(shared, "visits")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ShouldBe(["dev-1", "dev-2"]);
        (await ReadVolumeAsync(seed, "seed.txt")).Trim().ShouldBe($"seeded-{rand}");
        (await ReadVolumeAsync(seed, "runs")).ShouldContain("No such file");
        var volumes = await VolumesAsync(world);
        volumes.ShouldContain(isolated1);
        volumes.ShouldContain(isolated2);
        volumes.ShouldContain(shared);

        (await world.Cli.RunAsync("rm", "dev-1")).ExitCode.ShouldBe(0);
        volumes = await VolumesAsync(world);
        volumes.ShouldNotContain(isolated1);
        volumes.ShouldContain(isolated2);
        volumes.ShouldContain(shared);
        (await ReadVolumeAsync(shared, "visits")).ShouldContain("dev-1");
        (await ProcessRunner.RunAsync("docker", ["ps", "-a", "--filter", "name=coast-seed--", "--format", "{{.Names}}"])).StandardOutput.ShouldNotContain(world.Project);
    }

    [Fact]
    public async Task A_missing_snapshot_source_is_one_clear_error_and_no_container()
    {
        await using var world = new CoastWorld(pg);
        var web = world.CanonicalPorts["web"];
        var seed = $"coast-test-missing-{Guid.NewGuid().ToString("N")[..10]}";
        File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), Coastfile.Replace("{project}", world.Project).Replace("{web}", web.ToString())
            .Replace("{seed}", seed).Replace("[inject]\nenv = [\"{plainvar}\"]", ""));
        File.WriteAllText(Path.Combine(world.Dir, "docker-compose.yml"), Compose.Replace("{web}", web.ToString()).Replace("${PLAIN_VAR}", "none"));
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var run = await world.Cli.RunAsync("run", "dev-1", "--timeout", "60s");
        run.ExitCode.ShouldNotBe(0);
        (run.Out + run.Err).ShouldContain($"volume 'isodata': snapshot_source '{seed}' is not a volume on the host engine");
        (await world.LabelledAsync("container")).ShouldBeEmpty();
    }

    private static async Task<string> ReadVolumeAsync(string volume, string file)
    {
        var r = await ProcessRunner.RunAsync("docker", ["run", "--rm", "-v", $"{volume}:/v:ro", "--entrypoint", "cat", "coast/base:bookworm", $"/v/{file}"]);
        return r.StandardOutput + r.StandardError;
    }

    private static async Task<IReadOnlyList<string>> VolumesAsync(CoastWorld world) =>
        (await ProcessRunner.RunAsync("docker", ["volume", "ls", "--filter", $"label=coast.project={world.Project}", "--format", "{{.Name}}"]))
        .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
