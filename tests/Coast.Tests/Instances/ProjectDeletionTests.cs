using Coast.Client.Processes;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Instances;

/// <summary>Owners end to end on a real Docker engine: a pending instance woken by its build, builds verbs, and a project deletion that leaves nothing behind.</summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class ProjectDeletionTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task Deleting_a_project_with_a_build_and_instances_leaves_no_container_volume_image_or_document()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();
        var p = world.Project;

        // An instance applied before any build (no owner in the manifest) waits as `pending`, with the reason.
        (await world.Cli.RunAsync("apply", "-f", "Coastfile")).ExitCode.ShouldBe(0);
        var manifest = $"apiVersion: coast.dev/v1alpha1\nkind: Instance\nmetadata:\n  name: early\n  namespace: {p}\nspec:\n  project: {p}\n";
        var applied = await world.Cli.RunWithInputAsync(manifest, "apply", "-f", "-");
        applied.ExitCode.ShouldBe(0, applied.ToString());
        var pending = await Poll.ValueAsync(async () => (await world.Cli.RunAsync("ls")).Out is var o && o.Contains("pending") ? o : null, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        pending.ShouldNotBeNull("the early instance never showed as pending");
        pending.ShouldContain("waiting for a completed build");
        pending.ShouldNotContain("starting");

        // The build's completion wakes it (the controller's resync is 5 min away and nothing polls).
        var build = await world.Cli.RunAsync("build");
        build.ExitCode.ShouldBe(0, build.ToString());
        build.Out.ShouldContain("Build complete");
        var early = await world.Cli.RunAsync("wait", "instance", "early", "--for", "condition=Ready", "--timeout", "3m");
        early.ExitCode.ShouldBe(0, early.ToString());
        var run = await world.Cli.RunAsync("run", "dev-1");
        run.ExitCode.ShouldBe(0, run.ToString());
        var checkout = await world.Cli.RunAsync("checkout", "dev-1");
        checkout.ExitCode.ShouldBe(0, checkout.ToString());
        Answers(world.CanonicalPorts["web"]).ShouldBeTrue();

        // Owners: every child names the project's uid.
        var uid = Field((await world.Cli.RunAsync("get", "project", p, "-o", "yaml")).Out, "uid");
        foreach (var (kind, name) in new[] { ("instance", "early"), ("instance", "dev-1"), ("checkout", p) })
            (await world.Cli.RunAsync("get", kind, name, "-o", "yaml")).Out.ShouldContain($"uid: {uid}", customMessage: $"{kind}/{name} is not owned by the project");
        var builds = await world.Cli.RunAsync("builds", "ls");
        builds.ExitCode.ShouldBe(0, builds.ToString());
        var row = builds.Out.Split('\n').Single(l => l.StartsWith(p));
        row.ShouldContain("complete");
        row.ShouldContain("*");
        row.ShouldContain("dev-1");
        var buildName = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        (await world.Cli.RunAsync("get", "build", buildName, "-o", "yaml")).Out.ShouldContain($"uid: {uid}");
        var refused = await world.Cli.RunAsync("builds", "rm", buildName);
        refused.ExitCode.ShouldBe(1, refused.ToString());
        refused.Err.ShouldContain("is used by instance(s)");
        var refusedAll = await world.Cli.RunAsync("rm-build");
        refusedAll.ExitCode.ShouldBe(1, refusedAll.ToString());
        refusedAll.Err.ShouldContain("coast rm --all");
        (await ImagesAsync(p)).ShouldNotBeEmpty();
        (await world.LabelledAsync("container")).Count.ShouldBe(2);

        var delete = await world.Cli.RunAsync("delete", "project", p, "--wait", "--timeout", "3m");
        delete.ExitCode.ShouldBe(0, delete.ToString());
        delete.Out.ShouldContain($"project/{p} deleted");

        // --wait returned only when everything was gone, the checkout's canonical ports included.
        Answers(world.CanonicalPorts["web"]).ShouldBeFalse();
        (await world.LabelledAsync("container")).ShouldBeEmpty();
        (await world.LabelledAsync("volume")).ShouldBeEmpty();
        (await ImagesAsync(p)).ShouldBeEmpty();
        foreach (var kind in new[] { "projects", "instances", "builds", "checkouts" })
            (await world.Cli.RunAsync("get", kind, "-A")).Out.ShouldContain("No ", customMessage: $"{kind} left behind");
        var socketDirs = Path.Combine(world.Home, "dind");
        (Directory.Exists(socketDirs) ? Directory.GetDirectories(socketDirs) : []).ShouldBeEmpty();
        // Nor any event document: the garbage collector drops the events of resources that are gone.
        (await Poll.ValueAsync(async () => await EventRowsAsync(world.Schema) == 0 ? "none" : null, TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(200)))
            .ShouldNotBeNull($"{await EventRowsAsync(world.Schema)} event document(s) left behind");
    }

    private async Task<long> EventRowsAsync(string schema)
    {
        await using var conn = new Npgsql.NpgsqlConnection(pg.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from \"{schema}\".mt_doc_eventdocument", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Every image tag Coast made for the project (service images and instance images).</summary>
    private static async Task<IReadOnlyList<string>> ImagesAsync(string project)
    {
        var r = await ProcessRunner.RunAsync("docker", ["images", "--filter", $"reference=coast-{project}/*", "--format", "{{.Repository}}:{{.Tag}}"]);
        var labelled = await ProcessRunner.RunAsync("docker", ["images", "--filter", $"label=coast.project={project}", "--format", "{{.ID}}"]);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Concat(labelled.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
    }

    private static string Field(string yaml, string field) =>
        yaml.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith($"{field}: ")).Split(": ", 2)[1].Trim();

}
