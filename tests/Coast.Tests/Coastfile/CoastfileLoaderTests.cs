using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Validation;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Coastfile;

[Trait("Category", Category.Unit)]
public sealed class CoastfileLoaderTests
{
    private static string Examples => Path.Combine(RepoRoot.Path, "manifests", "examples", "coastfiles");

    private static CoastfileResult LoadExample(string dir, IReadOnlyDictionary<string, string?>? env = null) =>
        CoastfileLoader.Load(Path.Combine(Examples, dir, "Coastfile"), new PhysicalCoastfileSource(), env ?? new Dictionary<string, string?>());

    [Fact]
    public void The_crm_demo_maps_every_section_into_the_project_spec()
    {
        var result = LoadExample("crm-demo");
        var p = result.Project;
        p.Metadata.Name.ShouldBe("crm-demo");
        p.Metadata.Namespace.ShouldBe("crm-demo");
        p.Metadata.Labels["coast.dev/coastfile"].ShouldBe("Coastfile");
        var s = p.Spec;
        s.RootDir.ShouldBe(Path.Combine(Examples, "crm-demo"));
        s.Compose.ShouldBe("docker-compose.yml");
        s.PrimaryPort.ShouldBe("web");
        s.PrivatePaths.ShouldBe(["frontend/.next"]);
        s.WorktreeDirs.ShouldBe([".worktrees", "~/worktrees/crm"]);
        s.Setup.Packages.ShouldBe(["nodejs", "npm"]);
        s.Setup.Run.ShouldBe(["npm install -g tsx"]);
        s.Setup.Files.ShouldHaveSingleItem().Mode.ShouldBe("0644");
        s.Ports.ShouldBe(new Dictionary<string, int> { ["web"] = 3000, ["backend"] = 4000 });
        s.Healthchecks["backend"].ShouldBe("/api/health");
        s.Services["web"].Restart.ShouldBe("on-failure");
        s.Services["web"].Install.ShouldBe(["cd /workspace/frontend && npm install"]);
        s.Services["web"].Cache.ShouldBe(["frontend/node_modules"]);
        s.SharedServices["postgres"].Ports.ShouldBe(["5432"]);
        s.SharedServices["postgres"].Env["POSTGRES_PASSWORD"].ShouldBe("postgres");
        s.SharedServices["postgres"].AutoCreateDb.ShouldBeTrue();
        s.SharedServices["redis"].Inject.ShouldBe("env:REDIS_URL");
        s.Volumes["uploads"].Mount.ShouldBe("/app/uploads");
        s.Secrets["api_token"].Params["var"].ShouldBe("CRM_API_TOKEN");
        s.Assign.Services["backend"].ShouldBe("hot");
        s.Assign.RebuildTriggers["backend"].Count.ShouldBe(3);
        s.Assign.ExcludePaths.ShouldBe(["docs"]);
        s.Remote.WorkspaceSync.ShouldBe("rsync");
        result.ContentHash.Length.ShouldBe(64);
        ResourceValidator.Validate(p).ShouldBeEmpty();
    }

    [Fact]
    public void Interpolation_uses_the_environment_over_the_default()
    {
        var result = LoadExample("crm-demo", new Dictionary<string, string?> { ["CRM_DB_PASSWORD"] = "s3cret" });
        result.Project.Spec.SharedServices["postgres"].Env["POSTGRES_PASSWORD"].ShouldBe("s3cret");
    }

    [Fact]
    public void Extends_includes_and_unset_combine_in_order()
    {
        var p = LoadExample("layered").Project;
        p.Metadata.Name.ShouldBe("layered");
        p.Spec.Ports.ShouldBe(new Dictionary<string, int> { ["web"] = 3000, ["api"] = 8081 });
        p.Spec.Egress["metrics"].ShouldBe(9100);
        p.Spec.PrivatePaths.ShouldBe(["web/.cache"]);
        p.Spec.Compose.ShouldBe("docker-compose.yml");
    }

    [Fact]
    public void Sections_coast_does_not_implement_yet_load_with_a_warning()
    {
        var result = LoadExample("with-mcp");
        result.Warnings.ShouldContain(w => w.Contains("[mcp]"));
        result.Warnings.ShouldContain(w => w.Contains("[agent_shell]"));
        result.Project.Spec.Ports["web"].ShouldBe(3000);
    }

    [Fact]
    public void Every_example_coastfile_loads()
    {
        foreach (var dir in Directory.GetDirectories(Examples))
            Should.NotThrow(() => LoadExample(Path.GetFileName(dir)), dir);
    }

    [Theory]
    [InlineData("[coast]\nname = \"a\"\nportz = 1\n", "Coastfile: unknown key 'portz' in [coast]")]
    [InlineData("[coast]\nname = \"a\"\n[ports]\nweb = \"3000\"\n", "Coastfile: [ports] web: expected an integer, got a string")]
    [InlineData("[coast]\nname = \"a\"\n[widgets]\nx = 1\n", "Coastfile: unknown section [widgets]")]
    [InlineData("name = \"a\"\n", "Coastfile: unknown key 'name' at the top level")]
    [InlineData("[coast]\nname = \"a\"\n[services.web]\ncommand = 5\n", "Coastfile: [services.web] command: expected a string, got an integer")]
    [InlineData("[coast]\nname = \"a\"\n[services.web]\ncommand = \"x\"\nrestrat = \"no\"\n", "unknown key 'restrat' in [services.web]")]
    [InlineData("[coast]\nname = \"a\"\nautostart = \"yes\"\n", "[coast] autostart: expected a boolean")]
    [InlineData("[coast]\nname = \"a\"\nprivate_paths = [1]\n", "[coast] private_paths[0]: expected a string")]
    [InlineData("[coast]\nname = \"a\"\n[shared_services.db]\nimage = \"pg\"\nports = [true]\n", "[shared_services.db] ports[0]: expected an integer or a string")]
    [InlineData("[coast]\nname = \"a\"\n[[coast.setup.files]]\npath = \"/x\"\ncolor = \"red\"\n", "unknown key 'color' in [coast.setup.files[0]]")]
    [InlineData("[coast]\ncompose = \"c.yml\"\n", "Coastfile: [coast] name: required")]
    [InlineData("[coast\nname = 1", "Coastfile: line")]
    public void Format_errors_name_the_file_and_key(string text, string expected)
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load(text));
        e.Problems.ShouldContain(p => p.Contains(expected), string.Join(" | ", e.Problems));
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"a\"\nfoo = 1\n[ports]\nweb = \"x\"\n[nope]\n"));
        e.Problems.Count.ShouldBe(3);
    }

    [Theory]
    [InlineData("private_paths = [\"/abs\"]", "[coast] private_paths[0]")]
    [InlineData("private_paths = [\"a/../b\"]", "[coast] private_paths[0]")]
    [InlineData("private_paths = [\"web/.next\", \"web/.next/cache\"]", "[coast] private_paths[1]")]
    [InlineData("primary_port = \"nope\"", "[coast] primary_port")]
    [InlineData("runtime = \"podman\"", "[coast] runtime")]
    public void Value_rules_are_reported_with_the_coastfile_key(string coastLine, string expectedKey)
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load($"[coast]\nname = \"a\"\n{coastLine}\n[ports]\nweb = 3000\n"));
        e.Problems.ShouldContain(p => p.StartsWith($"Coastfile: {expectedKey}:"), string.Join(" | ", e.Problems));
    }

    [Fact]
    public void Colliding_ports_and_bad_restart_name_their_keys()
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load(
            "[coast]\nname = \"a\"\n[ports]\nweb = 3000\napi = 3000\n[services.w]\ncommand = \"x\"\nrestart = \"maybe\"\n"));
        e.Problems.ShouldContain(p => p.StartsWith("Coastfile: [ports] api:") && p.Contains("3000"));
        e.Problems.ShouldContain(p => p.StartsWith("Coastfile: [services.w] restart:"));
    }

    [Fact]
    public void Extends_cycles_are_errors_showing_the_chain()
    {
        var source = new InMemorySource()
            .With("Coastfile.a", "[coast]\nextends = \"Coastfile.b\"\n")
            .With("Coastfile.b", "[coast]\nextends = \"Coastfile\"\n");
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"x\"\nextends = \"Coastfile.a\"\n", extra: source));
        e.Problems.ShouldContain(p => p.Contains("cycle: Coastfile -> Coastfile.a -> Coastfile.b -> Coastfile"));
    }

    [Fact]
    public void Included_files_may_not_extend_or_include()
    {
        var source = new InMemorySource().With("frag.toml", "[coast]\nincludes = [\"other.toml\"]\n");
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"x\"\nincludes = [\"frag.toml\"]\n", extra: source));
        e.Problems.ShouldContain(p => p.Contains("frag.toml: an included file may not itself use extends or includes"));
    }

    [Fact]
    public void Missing_parent_and_bad_unset_are_errors()
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"x\"\nextends = \"gone.toml\"\n[unset]\nports = [\"web\"]\n"));
        e.Problems.ShouldContain(p => p.Contains("gone.toml: file not found"));
        e.Problems.ShouldContain(p => p.Contains("[unset] ports"));
    }

    [Fact]
    public void Interpolation_defaults_escapes_and_warns_on_undefined()
    {
        var result = InMemorySource.Load(
            "[coast]\nname = \"x\"\ncompose = \"${COMPOSE:-dc.yml}\"\n[omit]\nservices = [\"$${LITERAL}\", \"${MISSING}\", \"${HOME_DIR}/x\"]\n",
            new Dictionary<string, string?> { ["HOME_DIR"] = "/home/me" });
        result.Project.Spec.Compose.ShouldBe("dc.yml");
        result.Project.Spec.Omit.Services.ShouldBe(["${LITERAL}", "${MISSING}", "/home/me/x"]);
        result.Warnings.ShouldContain(w => w.Contains("${MISSING}") && w.StartsWith("Coastfile"));
        result.Warnings.ShouldNotContain(w => w.Contains("LITERAL"));
    }

    [Fact]
    public void Find_resolves_plain_and_typed_coastfiles()
    {
        var source = new InMemorySource().With("Coastfile", "").With("Coastfile.light.toml", "");
        CoastfileLoader.Find("/p", null, source).ShouldBe("/p/Coastfile");
        CoastfileLoader.Find("/p", "light", source).ShouldBe("/p/Coastfile.light.toml");
        Should.Throw<CoastfileException>(() => CoastfileLoader.Find("/p", "heavy", source)).Message.ShouldContain("Coastfile.heavy");
    }

    [Fact]
    public void The_content_hash_changes_with_any_input_file()
    {
        var a = InMemorySource.Load("[coast]\nname = \"x\"\n[ports]\nweb = 3000\n");
        var b = InMemorySource.Load("[coast]\nname = \"x\"\n[ports]\nweb = 3001\n");
        a.ContentHash.ShouldNotBe(b.ContentHash);
    }
}
