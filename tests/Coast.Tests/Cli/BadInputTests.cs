using Coast.Tests.Infrastructure;
using Npgsql;

namespace Coast.Tests.Cli;

/// <summary>
/// Issue 7.5: every verb, run by the real `coast` binary against a set of broken projects, bad manifests,
/// bad flags and bad names, prints one-line errors with the documented exit code (0 ok, 1 error, 2 usage,
/// 3 conflict, 4 not found, 5 timeout) and never a stack trace. An internal error prints one line naming
/// the file in the Coast home that holds the trace.
/// </summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class BadInputTests(PostgresFixture pg) : CliTestBase(pg, "coast-bad")
{
    /// <summary>Broken projects; "named" ones still give their project name to -p (the TOML parses).</summary>
    private static readonly (string Dir, bool Named, Dictionary<string, string> Files)[] Projects =
    [
        ("unknown-key", true, new() { ["Coastfile"] = "[coast]\nname = \"uk\"\nbogus = 1\n" }),
        ("bad-toml", false, new() { ["Coastfile"] = "[coast\nname = \"bt\"\n" }),
        ("bad-value", true, new() { ["Coastfile"] = "[coast]\nname = \"bv\"\nprivate_paths = [\"/etc\"]\n\n[ports]\nweb = 99999\n" }),
        ("bad-compose", true, new()
        {
            ["Coastfile"] = "[coast]\nname = \"bc\"\ncompose = \"docker-compose.yml\"\n",
            ["docker-compose.yml"] = "services:\n  web: [unclosed\n",
        }),
        ("missing-compose", true, new() { ["Coastfile"] = "[coast]\nname = \"mc\"\ncompose = \"docker-compose.yml\"\n" }),
        ("compose-without-image", true, new()
        {
            ["Coastfile"] = "[coast]\nname = \"ni\"\ncompose = \"docker-compose.yml\"\n",
            ["docker-compose.yml"] = "services:\n  web:\n    ports: [\"80\"]\n  api:\n    build: ./api\n",
        }),
        ("no-coastfile", false, new()),
    ];

    private static readonly Dictionary<string, string> Manifests = new()
    {
        ["bad.yaml"] = "apiVersion: coast.dev/v1alpha1\nkind: Project\nmetadata:\n  name: Bad_Name\nspec:\n  rootDir: relative\n  ports: {web: 99999}\n",
        ["garbage.yaml"] = "::: {{{ [ not yaml\n",
        ["broken.json"] = "{\"apiVersion\": \"coast.dev/v1alpha1\", \"kind\": ",
        ["wrong-kind.yaml"] = "apiVersion: coast.dev/v1alpha1\nkind: Gadget\nmetadata:\n  name: g\n",
        ["no-version.yaml"] = "kind: Instance\nmetadata:\n  name: dev-1\n  namespace: p\nspec:\n  project: p\n",
    };

    [Fact]
    public async Task Every_verb_answers_broken_input_with_one_line_errors_and_documented_exit_codes()
    {
        var root = Path.Combine(Home, "projects");
        foreach (var (dir, _, files) in Projects)
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
            foreach (var (name, text) in files) await File.WriteAllTextAsync(Path.Combine(root, dir, name), text);
        }
        var manifests = Path.Combine(root, "manifests");
        Directory.CreateDirectory(manifests);
        foreach (var (name, text) in Manifests) await File.WriteAllTextAsync(Path.Combine(manifests, name), text);

        var cases = new List<(string Dir, string[] Args, int Expected)>();
        // Verbs that read the project's Coastfile, in every broken project.
        foreach (var (dir, named, _) in Projects)
        {
            var noProject = named ? 1 : 2;
            var coastfileBroken = dir is "unknown-key" or "bad-toml" or "bad-value" or "no-coastfile";
            cases.Add((dir, ["build"], 1));
            cases.Add((dir, ["build", "-t", "nosuchtype"], 1));
            cases.Add((dir, ["run", "dev-1"], noProject));
            cases.Add((dir, ["checkout", "dev-1"], named ? 4 : 2));
            cases.Add((dir, ["stop", "dev-1"], 4));
            cases.Add((dir, ["rm", "--all"], named ? 0 : 2));
            cases.Add((dir, ["ls"], 0));
            // apply stores the Project; the compose file it names is read by `coast build` (checked above).
            cases.Add((dir, ["apply", "-f", "Coastfile", "--dry-run"], coastfileBroken ? 1 : 0));
        }
        // Every other verb once, about things that do not exist.
        const string d = "unknown-key";
        foreach (var verb in new[] { "ps", "logs", "exec", "ports", "start", "rm" })
            cases.Add((d, verb == "exec" ? [verb, "dev-1", "--", "true"] : [verb, "dev-1"], 4));
        cases.AddRange(new (string, string[], int)[]
        {
            (d, ["get", "projects", "-A"], 0),
            (d, ["get", "project", "x", "-o", "yaml"], 4),
            (d, ["describe", "project", "x"], 4),
            (d, ["delete", "project", "x"], 4),
            (d, ["delete", "project", "x", "--wait", "--timeout", "1s"], 4),
            (d, ["wait", "project", "x", "--for", "condition=Ready", "--timeout", "1s"], 4),
            (d, ["daemon", "status"], 1),
            (d, ["daemon", "logs"], 1),
            (d, ["db", "status"], 0),
            (d, ["db", "start"], 1),
            // Bad flags.
            (d, ["nosuchverb"], 2),
            (d, ["get"], 2),
            (d, ["get", "gadgets"], 2),
            (d, ["get", "projects", "-o", "bogus"], 2),
            (d, ["get", "projects", "-l", "bad"], 2),
            (d, ["wait", "project", "x", "--for", "condition=Ready", "--timeout", "xyz"], 2),
            (d, ["wait", "project", "x", "--for", "nonsense"], 2),
            (d, ["delete", "project", "x", "--timeout"], 2),
            (d, ["logs", "dev-1", "-n", "abc"], 2),
            (d, ["describe"], 2),
            (d, ["exec"], 2),
            (d, ["checkout"], 2),
            (d, ["apply"], 2),
            (d, ["controller", "--bogus"], 2),
            (d, ["images", "build-runtime", "--bogus"], 2),
            (d, ["daemon", "nosuch"], 2),
            // Bad names.
            (d, ["run", "Bad_Name"], 1),
            (d, ["run", "dev-1", "-w", "../../etc"], 1),
            (d, ["run", "dev-1", "-p", "No Such Project"], 1),
            (d, ["get", "instance", "Bad_Name", "-p", "uk"], 4),
            (d, ["stop", "--all", "-p", "x/../y"], 0),
            // Bad manifests.
            (d, ["apply", "-f", "/nonexistent/manifest.yaml"], 1),
            (d, ["apply", "-f", manifests], 1),
        });
        foreach (var m in Manifests.Keys)
        {
            cases.Add((d, ["apply", "-f", Path.Combine(manifests, m)], 1));
            cases.Add((d, ["apply", "-f", Path.Combine(manifests, m), "--dry-run"], 1));
        }

        using var gate = new SemaphoreSlim(3);
        var results = await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync();
            try { return (Case: c, Result: await new CoastProcess(Pg, Schema, Home, Path.Combine(root, c.Dir)).RunAsync(c.Args)); }
            finally { gate.Release(); }
        }));

        var wrong = new List<string>();
        foreach (var (c, r) in results)
        {
            var what = $"[{c.Dir}] coast {string.Join(' ', c.Args)}";
            if (r.Out.Contains("   at ") || r.Err.Contains("   at ") || r.Err.Contains("Unhandled exception"))
                wrong.Add($"{what}: printed a stack trace\n{r}");
            else if (r.ExitCode != c.Expected)
                wrong.Add($"{what}: exit {r.ExitCode}, expected {c.Expected}\n{r}");
            else if (r.ExitCode != 0 && !r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(IsOneLineMessage))
                wrong.Add($"{what}: stderr is not one-line messages\n{r}");
            else if (r.ExitCode != 0 && (r.Err + r.Out).Trim().Length == 0) // `daemon status` reports on stdout
                wrong.Add($"{what}: failed without saying why\n{r}");
        }
        wrong.ShouldBeEmpty(string.Join("\n\n", wrong));

        // Nothing half-applied by any of it.
        var projects = await Coast.RunAsync("get", "projects", "-A");
        projects.Out.ShouldContain("No projects found.");
    }

    [Fact]
    public async Task An_internal_error_prints_one_line_and_the_file_with_the_full_trace()
    {
        var manifest = "apiVersion: coast.dev/v1alpha1\nkind: Project\nmetadata:\n  name: hurt\n  namespace: hurt\nspec:\n  rootDir: /srv/hurt\n";
        (await Coast.RunWithInputAsync(manifest, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        // A stored document Coast cannot read: not the user's input, a fault (here made on purpose).
        await using (var conn = new NpgsqlConnection(Pg.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                $"update \"{Schema}\".mt_doc_resourcedocument set data = jsonb_set(data, '{{Body}}', '\"{{not json\"')", conn);
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var r = await Coast.RunAsync("get", "projects", "-A");
        r.ExitCode.ShouldBe(1, r.ToString());
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, r.ToString());
        lines[0].ShouldStartWith("error: internal error (");
        r.Err.ShouldNotContain("   at ");
        var log = Path.Combine(Home, "logs", "errors.log");
        lines[0].ShouldEndWith($"the full trace is in {log}");
        var trace = await File.ReadAllTextAsync(log);
        trace.ShouldContain("   at ");
        trace.ShouldContain("coast get");
        File.GetUnixFileMode(log).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(log)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsOneLineMessage(string line) =>
        line.StartsWith("error: ") || line.StartsWith("warning: ") || line.StartsWith("Run `coast --help`");
}
