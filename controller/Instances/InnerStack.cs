using Coast.ApiTypes.Kinds;
using Coast.Controller.Compose;
using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>What runs inside an instance: the inner engine, the images it needs, and the compose services.</summary>
public sealed class InnerStack(IContainerEngine engine)
{
    private const string ComposePath = "/coast/compose.yml";

    public async Task WaitForEngineAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await engine.ExecAsync(container, ["docker", "version", "--format", "{{.Server.Version}}"], null, ct);
            if (r.ExitCode == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the inner Docker engine of {container} did not answer within {timeout.TotalSeconds:0}s: {r.StandardError.Trim()}");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Loads only the images the inner engine lacks, in one save/load stream. Returns how many were loaded.</summary>
    public async Task<int> LoadMissingImagesAsync(string container, IEnumerable<string> images, CancellationToken ct)
    {
        var missing = new List<string>();
        foreach (var image in images.Distinct())
            if ((await engine.ExecAsync(container, ["docker", "image", "inspect", "--format", "{{.Id}}", image], null, ct)).ExitCode != 0)
                missing.Add(image);
        if (missing.Count > 0) await engine.LoadImagesIntoAsync(container, missing, ct);
        return missing.Count;
    }

    /// <summary>Writes the rewritten compose file inside and brings the services up (idempotent).</summary>
    public async Task ComposeUpAsync(string container, Project project, Build build, CancellationToken ct)
    {
        var path = Path.Combine(project.Spec.RootDir, project.Spec.Compose!);
        var compose = ComposeFile.Parse(await File.ReadAllTextAsync(path, ct), project.Spec.Compose!);
        var built = build.Status.Images.Where(kv => compose.ServiceNames.Contains(kv.Key) && compose.BuildOf(kv.Key) is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var text = ComposeRewriter.Rewrite(compose, new ComposeRewriteOptions(built, project.Spec.Omit.Services,
            project.Spec.SharedServices.Keys.ToList(), OuterGatewayAddress: null));
        Check(await engine.ExecAsync(container, ["sh", "-c", $"mkdir -p /coast && cat > {ComposePath}"], text, ct), "writing the compose file");
        var projectDir = Path.GetRelativePath(project.Spec.RootDir, Path.GetDirectoryName(path)!);
        var workdir = projectDir == "." ? "/workspace" : $"/workspace/{projectDir}";
        Check(await engine.ExecAsync(container, [.. ComposeCommand(project, workdir), "up", "-d", "--remove-orphans"], null, ct), "docker-compose up");
    }

    public static string[] ComposeCommand(Project project, string workdir = "/workspace") =>
        ["docker-compose", "-p", CoastNames.InnerComposeProject(project.Metadata.Name), "-f", ComposePath, "--project-directory", workdir];

    private static void Check(ExecResult r, string what)
    {
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()}");
    }
}
