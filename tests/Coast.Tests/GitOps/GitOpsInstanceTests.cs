using Coast.Client.Processes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.GitOps;

/// <summary>docs/gitops.md's walk-through on a real Docker engine and DinD: an Instance manifest on a branch brings up an instance; removing it removes the instance.</summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class GitOpsInstanceTests(DockerFixture docker, PostgresFixture pg)
{
    private readonly DockerFixture _docker = docker;

    [Fact]
    public async Task Adding_an_instance_manifest_on_the_branch_brings_it_up_and_removing_it_removes_it()
    {
        await using var world = new CoastWorld(pg);
        using var repo = new GitTestRepo(world.Home, branch: "staging");
        CopyInto(world.Dir, Path.Combine(repo.Dir, "envs", "web"));
        repo.Write("envs/web/build.yaml", $"""
            apiVersion: coast.dev/v1alpha1
            kind: Build
            metadata: {"{"}name: b1, namespace: {world.Project}{"}"}
            spec: {"{"}project: {world.Project}{"}"}

            """);
        repo.Commit("project and build");
        world.StartController();
        var add = await world.Cli.RunAsync("source", "add", "team", "--url", repo.Dir, "--branch", "staging", "--path", "envs", "--interval", "1h", "--prune");
        add.ExitCode.ShouldBe(0, add.ToString());
        var first = await world.Cli.RunAsync("source", "reconcile", "team", "--timeout", "60s");
        first.ExitCode.ShouldBe(0, first.ToString());
        var built = await world.Cli.RunAsync("wait", "build", "b1", "-p", world.Project, "--for", "condition=Ready", "--timeout", "600s");
        built.ExitCode.ShouldBe(0, built.ToString());

        repo.Write("envs/web/dev-1.yaml", Manifests.Instance("dev-1", world.Project).Replace("  state: Running", "  state: Running\n  build: b1"));
        repo.Commit("dev-1");
        (await world.Cli.RunAsync("source", "reconcile", "team", "--timeout", "60s")).ExitCode.ShouldBe(0);
        var ready = await world.Cli.RunAsync("wait", "instance", "dev-1", "-p", world.Project, "--for", "condition=Ready", "--timeout", "300s");
        ready.ExitCode.ShouldBe(0, ready.ToString() + string.Join('\n', world.ControllerLog));
        (await world.LabelledAsync("container", "dev-1")).Count
            .ShouldBeGreaterThan(0, "no container for dev-1");
        var ls = await world.Cli.RunAsync("ls", "-p", world.Project);
        ls.Out.ShouldContain("dev-1");
        ls.Out.ShouldContain("running");

        repo.Git("rm", "--quiet", "envs/web/dev-1.yaml");
        repo.Commit("no dev-1");
        (await world.Cli.RunAsync("source", "reconcile", "team", "--timeout", "60s")).ExitCode.ShouldBe(0);
        var gone = await world.Cli.RunAsync("wait", "instance", "dev-1", "-p", world.Project, "--for", "delete", "--timeout", "120s");
        gone.ExitCode.ShouldBe(0, gone.ToString());
        (await Poll.UntilAsync(async () => (await ProcessRunner.RunAsync("docker",
                ["ps", "-a", "--filter", $"label=coast.project={world.Project}", "--format", "{{.Names}}"])).StandardOutput.Trim().Length == 0,
            TimeSpan.FromSeconds(60))).ShouldBeTrue("dev-1's container stayed");
    }

    private static void CopyInto(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
