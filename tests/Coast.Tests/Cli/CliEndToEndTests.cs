using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Cli;

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class CliEndToEndTests(PostgresFixture pg) : CliTestBase(pg, "coast-cli")
{
    private static readonly string Manifest = File.ReadAllText(Path.Combine(RepoRoot.Path, "manifests", "examples", "demo.yaml"));

    [Fact]
    public async Task Apply_then_get_yaml_round_trips_the_spec()
    {
        var apply = await Coast.RunWithInputAsync(Manifest, "apply", "-f", "-");
        apply.ExitCode.ShouldBe(0, apply.ToString());
        apply.Out.ShouldContain("project/demo created");
        apply.Out.ShouldContain("instance/dev-1 created");

        var get = await Coast.RunAsync("get", "project", "demo", "-p", "demo", "-o", "yaml");
        get.ExitCode.ShouldBe(0, get.ToString());
        var applied = (Project)ResourceYaml.DeserializeAll(Manifest, "demo.yaml")[0];
        var stored = (Project)ResourceYaml.DeserializeAll(get.Out, "get")[0];
        ResourceJson.Canonical(stored.Spec).ShouldBe(ResourceJson.Canonical(applied.Spec));
        stored.Metadata.Labels["team"].ShouldBe("platform");
        stored.Metadata.Generation.ShouldBe(1);

        var again = await Coast.RunWithInputAsync(Manifest, "apply", "-f", "-");
        again.Out.ShouldContain("project/demo unchanged");
    }

    [Fact]
    public async Task An_invalid_manifest_writes_nothing_and_names_the_field()
    {
        var bad = Manifest.Replace("    - web/.cache", "    - web/.cache\n    - /etc/passwd").Replace("state: Running", "state: Paused");
        var result = await Coast.RunWithInputAsync(bad, "apply", "-f", "-");
        result.ExitCode.ShouldBe(1, result.ToString());
        result.Err.ShouldContain("spec.privatePaths[1]");
        result.Err.ShouldContain("spec.state");

        var list = await Coast.RunAsync("get", "projects", "-A");
        list.Out.ShouldContain("No projects found.");
        var instances = await Coast.RunAsync("get", "instances", "-A");
        instances.Out.ShouldContain("No instances found.");
    }

    [Fact]
    public async Task Dry_run_validates_without_writing()
    {
        var result = await Coast.RunWithInputAsync(Manifest, "apply", "-f", "-", "--dry-run");
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("project/demo valid (dry run");
        (await Coast.RunAsync("get", "projects", "-A")).Out.ShouldContain("No projects found.");
    }

    [Fact]
    public async Task Wait_times_out_with_exit_code_5_when_no_controller_converges()
    {
        (await Coast.RunWithInputAsync(Manifest, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var wait = await Coast.RunAsync("wait", "instance", "dev-1", "-p", "demo", "--for", "condition=Ready", "--timeout", "1s");
        wait.ExitCode.ShouldBe(5, wait.ToString());
        wait.Err.ShouldContain("timed out");
    }

    [Fact]
    public async Task Usage_errors_and_missing_resources_have_their_exit_codes()
    {
        (await Coast.RunAsync("get")).ExitCode.ShouldBe(2);
        (await Coast.RunAsync("get", "gadgets")).ExitCode.ShouldBe(2);
        var missing = await Coast.RunAsync("describe", "instance", "nope", "-p", "demo");
        missing.ExitCode.ShouldBe(4, missing.ToString());
        missing.Err.ShouldContain("not found");
    }

    [Fact]
    public async Task Controller_converges_and_a_second_controller_takes_over_when_the_leader_is_killed()
    {
        var first = Track(Coast.StartController());
        var second = Track(Coast.StartController());
        (await Coast.RunWithInputAsync(Manifest, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var ready = await Coast.RunAsync("wait", "checkout", "demo", "-p", "demo", "--for", "condition=Ready", "--timeout", "30s");
        ready.ExitCode.ShouldBe(0, ready.ToString());

        var leader = await WhoLeadsAsync(first, second);
        leader.Kill(); // SIGKILL: no clean shutdown, the advisory lock goes with the connection
        await leader.WaitForExitAsync();

        var survivor = leader == first ? second : first;
        var next = Manifest.Replace("name: demo\n  namespace: demo\n  labels", "name: other\n  namespace: other\n  labels")
            .Split("---")[0].Replace("team: platform", "team: other");
        (await Coast.RunWithInputAsync(next, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var takeover = await Coast.RunAsync("wait", "project", "other", "-p", "other", "--for", "condition=Ready", "--timeout", "30s");
        takeover.ExitCode.ShouldBe(0, takeover.ToString());
        survivor.HasExited.ShouldBeFalse();
    }

    private Process Track(Process p)
    {
        Started.Add(p);
        _ = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
        return p;
    }

    /// <summary>The leader is the controller whose elector connection holds the advisory lock (see pg_locks).</summary>
    private async Task<Process> WhoLeadsAsync(Process a, Process b)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await using var conn = new Npgsql.NpgsqlConnection(Pg.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid " +
                "where l.locktype = 'advisory' and l.granted and a.application_name like 'coast-leader-%'", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                if (name == $"coast-leader-{a.Id}") return a;
                if (name == $"coast-leader-{b.Id}") return b;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("neither controller holds the leader lock");
    }
}
