using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>
/// `coast apply` of a document read with `coast get -o yaml`: its metadata.resourceVersion must still be
/// current, as with kubectl; without one, the last apply wins. Real `coast` processes on the real database.
/// </summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class StaleApplyTests(PostgresFixture pg) : CliTestBase(pg, "coast-stale")
{
    private const string Project = """
        apiVersion: coast.dev/v1alpha1
        kind: Project
        metadata:
          name: stale
          namespace: stale
        spec:
          rootDir: /srv/stale
          ports:
            web: 3000
        """;

    private const string Instance = """
        apiVersion: coast.dev/v1alpha1
        kind: Instance
        metadata:
          name: dev-7
          namespace: stale
        spec:
          project: stale
        """;

    [Fact]
    public async Task A_second_edit_of_the_same_old_copy_is_a_conflict_naming_the_resource()
    {
        (await Coast.RunWithInputAsync(Project, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var read = await Coast.RunAsync("get", "project", "stale", "-p", "stale", "-o", "yaml");
        read.ExitCode.ShouldBe(0, read.ToString());
        read.Out.ShouldContain("resourceVersion:");

        var first = await Coast.RunWithInputAsync(read.Out.Replace("web: 3000", "web: 3001"), "apply", "-f", "-");
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Out.ShouldContain("project/stale configured");

        var second = await Coast.RunWithInputAsync(read.Out.Replace("web: 3000", "web: 3002"), "apply", "-f", "-");
        second.ExitCode.ShouldBe(3, second.ToString());
        second.Err.ShouldContain("Project/stale/stale");
        second.Err.ShouldContain("resourceVersion");
        second.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1, second.ToString());
        (await WebPortAsync()).ShouldBe("3001");

        // Re-read, re-apply: accepted.
        var again = await Coast.RunAsync("get", "project", "stale", "-p", "stale", "-o", "yaml");
        var third = await Coast.RunWithInputAsync(again.Out.Replace("web: 3001", "web: 3003"), "apply", "-f", "-");
        third.ExitCode.ShouldBe(0, third.ToString());
        (await WebPortAsync()).ShouldBe("3003");
    }

    [Fact]
    public async Task Without_a_resourceVersion_the_last_apply_wins()
    {
        (await Coast.RunWithInputAsync(Project, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        (await Coast.RunWithInputAsync(Project.Replace("web: 3000", "web: 3001"), "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var last = await Coast.RunWithInputAsync(Project.Replace("web: 3000", "web: 3002"), "apply", "-f", "-");
        last.ExitCode.ShouldBe(0, last.ToString());
        (await WebPortAsync()).ShouldBe("3002");
    }

    [Fact]
    public async Task A_stale_document_among_several_writes_nothing()
    {
        (await Coast.RunWithInputAsync(Project, "apply", "-f", "-")).ExitCode.ShouldBe(0);
        var read = await Coast.RunAsync("get", "project", "stale", "-p", "stale", "-o", "yaml");
        (await Coast.RunWithInputAsync(Project.Replace("web: 3000", "web: 3001"), "apply", "-f", "-")).ExitCode.ShouldBe(0);

        var dir = Path.Combine(Home, "manifests");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "a-instance.yaml"), Instance);
        await File.WriteAllTextAsync(Path.Combine(dir, "b-project.yaml"), read.Out.Replace("web: 3000", "web: 3009"));
        var apply = await Coast.RunAsync("apply", "-f", dir);
        apply.ExitCode.ShouldBe(3, apply.ToString());
        apply.Err.ShouldContain("Project/stale/stale");
        apply.Out.ShouldBeEmpty();

        (await Coast.RunAsync("get", "instance", "dev-7", "-p", "stale")).ExitCode.ShouldBe(4);
        (await WebPortAsync()).ShouldBe("3001");
    }

    private async Task<string> WebPortAsync()
    {
        var get = await Coast.RunAsync("get", "project", "stale", "-p", "stale", "-o", "json");
        get.ExitCode.ShouldBe(0, get.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(get.Out);
        return doc.RootElement.GetProperty("spec").GetProperty("ports").GetProperty("web").ToString();
    }
}
