using Coast.ApiTypes.Model;
using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Compose;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.ApiTypes.Compose;

namespace Coast.Controller.Instances;

/// <summary>What runs inside an instance: the inner engine, the images it needs, and the compose services.</summary>
public sealed class InnerStack(IContainerEngine engine)
{
    private const string ComposePath = InstanceLayout.ComposeFile;

    public static async Task WaitForEngineAsync(string container, IInnerEngine inner, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (!await inner.AnswersAsync(ct))
        {
            if (clock.GetUtcNow() > deadline)
                throw new ReconcileFailedException(InstanceReasons.InnerEngineNotAnswering,
                    $"the inner Docker engine of {container} did not answer within {timeout.TotalSeconds:0}s; see `docker exec {container} cat /var/log/dockerd.log`");
            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, ct);
        }
    }

    /// <summary>Loads only the images the inner engine lacks, in one save/load stream (shared layers sent once). Returns how many were loaded.</summary>
    public static async Task<int> LoadMissingImagesAsync(IInnerEngine inner, IEnumerable<string> images, CancellationToken ct)
    {
        var missing = new List<string>();
        foreach (var image in images.Distinct())
            if (!await inner.HasImageAsync(image, ct)) missing.Add(image);
        if (missing.Count > 0)
            await inner.LoadFromHostAsync(missing, ct);
        return missing.Count;
    }

    /// <summary>The compose file as it runs inside (per-build images, no shared services) and its hash.</summary>
    public static async Task<InnerCompose> RenderAsync(Project project, Build build, CancellationToken ct, Injection.InjectedValues? injected = null,
        SharedServices.SharedServiceWiring? shared = null)
    {
        var path = Path.Combine(project.Spec.RootDir, project.Spec.Compose!);
        var compose = ComposeFile.Parse(await File.ReadAllTextAsync(path, ct), project.Spec.Compose!);
        var volumes = project.Spec.Volumes.Where(kv => !project.Spec.Services.ContainsKey(kv.Value.Service))
            .Select(kv => new ComposeVolumes.Mapping(kv.Key, kv.Value.Service, kv.Value.Mount, $"{Volumes.InstanceVolume.ComposeDir}/{kv.Key}")).ToList();
        if (volumes.Count > 0) ComposeVolumes.Apply(compose, volumes);
        if (injected is { IsEmpty: false })
            ComposeInjection.Apply(compose, injected.Env.Keys.ToList(), injected.Files.Select(f => ($"{Injection.InstanceInjection.FilesDir}/{f.Name}", f.Target)).ToList());
        var built = build.Status.Images.Where(kv => compose.ServiceNames.Contains(kv.Key) && compose.BuildOf(kv.Key) is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var text = ComposeRewriter.Rewrite(compose, new ComposeRewriteOptions(built, project.Spec.Omit.Services,
            project.Spec.SharedServices.Keys.ToList(), OuterGatewayAddress: null,
            shared?.Hosts, shared?.Env, shared?.Files.Keys.ToList()));
        var projectDir = Path.GetRelativePath(project.Spec.RootDir, Path.GetDirectoryName(path)!);
        var workdir = projectDir == "." ? "/workspace" : $"/workspace/{projectDir}";
        return InnerCompose.For(text, workdir, injected?.Fingerprint);
    }

    /// <summary>Writes the rewritten compose file inside and brings the services up (idempotent).</summary>
    public async Task ComposeUpAsync(string container, Project project, InnerCompose compose, CancellationToken ct)
    {
        Check(await engine.ExecAsync(container, ["sh", "-c", $"mkdir -p /coast && cat > {ComposePath}"], compose.Text, ct), "writing the compose file");
        // One `up` at a time inside an instance: the exec of a killed controller keeps running in the container and
        // would race the new controller's `up` (both creating the same containers fails one of them).
        var up = await engine.ExecAsync(container, ["flock", "/coast/compose.lock", .. InstanceLayout.ComposeCommand(project, compose.Workdir), "up", "-d", "--remove-orphans"], null, ct);
        if (up.ExitCode != 0) throw new ReconcileFailedException(InstanceReasons.ComposeUpFailed, $"docker-compose up failed (exit {up.ExitCode}): {ComposeError(up)}");
    }

    /// <summary>compose's own error lines ("ERROR: for api  Cannot start service api: ..."), not its closing summary.</summary>
    public static string ComposeError(ExecResult r)
    {
        var lines = (r.StandardError + "\n" + r.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.StartsWith("ERROR:", StringComparison.Ordinal) && !l.Contains("Encountered errors while bringing up"))
            .Select(l => l["ERROR:".Length..].Trim()).Distinct().ToList();
        // compose prints each failure twice (per container, then per service): keep the per-service form.
        var perService = errors.Where(e => !System.Text.RegularExpressions.Regex.IsMatch(e, @"^for \S+_\d+\s")).ToList();
        var chosen = (perService.Count > 0 ? perService : errors).TakeLast(3).ToList();
        return chosen.Count > 0 ? string.Join("; ", chosen) : lines.LastOrDefault() ?? "no output";
    }

    /// <summary>
    /// Warm start: starts the compose project's existing containers all at once, which is what
    /// `docker-compose up -d` does for an unchanged file, without compose's own start-up (about 1 s).
    /// Returns false when there is nothing to start from (the caller then runs compose).
    /// </summary>
    public static async Task<bool> StartExistingAsync(IInnerEngine inner, Project project, CancellationToken ct)
    {
        var containers = await inner.ComposeContainersAsync(CoastNames.InnerComposeProject(project.Metadata.Name), ct);
        if (containers.Count == 0) return false;
        await Task.WhenAll(containers.Where(c => c.State != "running").Select(async c =>
        {
            try { await inner.StartAsync(c.Id, ct); }
            catch (ContainerEngineException e)
            {
                throw new ReconcileFailedException(InstanceReasons.ComposeUpFailed, $"starting service '{c.Service}' failed: {e.Message}");
            }
        }));
        return true;
    }

    private static void Check(ExecResult r, string what)
    {
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()}");
    }
}

/// <summary>A compose file rendered for the inside of an instance, the directory it runs in, and a hash of both.</summary>
public sealed record InnerCompose(string Text, string Workdir, string Hash)
{
    /// <param name="injected">The keyed fingerprint of injected values: a changed secret changes the hash, so compose recreates.</param>
    public static InnerCompose For(string text, string workdir, string? injected = null) =>
        new(text, workdir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            injected is null ? $"{workdir}\n{text}" : $"{workdir}\n{text}\n{injected}")))[..16]);
}
