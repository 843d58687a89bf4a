using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Compose;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Instances.BareServices;
using Coast.Controller.Runtime;

namespace Coast.Controller.Instances.Assign;

/// <summary>
/// Carries out the [assign] steps inside an instance after /workspace switched. Compose: restart re-binds each
/// container's mounts from the new worktree (`docker-compose restart`); rebuild builds the service's image again
/// from the new worktree in the inner engine, under the build's own tag, and recreates the service. Bare
/// services: restart goes through the supervisor; rebuild also runs its install steps again. hot and none do
/// nothing: a running process sees the new files where it opens them by path under /workspace (a compose
/// container's bind mounts keep the old worktree until it restarts).
/// </summary>
public sealed class AssignActions(IContainerEngine engine)
{
    private readonly BareServiceSupervisor _supervisor = new(engine);

    public async Task RunAsync(string container, Project project, Build build, string composeWorkdir, IReadOnlyList<AssignServiceStep> steps, CancellationToken ct)
    {
        var compose = steps.Where(s => !AssignServices.IsBare(project, s.Service)).ToList();
        var bare = steps.Where(s => AssignServices.IsBare(project, s.Service)).ToList();
        if (project.Spec.Compose is not null)
        {
            var file = ComposeFile.Parse(await File.ReadAllTextAsync(Path.Combine(project.Spec.RootDir, project.Spec.Compose), ct), project.Spec.Compose);
            foreach (var step in compose.Where(s => s.Action == AssignPlan.Rebuild))
                await RebuildComposeAsync(container, project, build, file, composeWorkdir, step.Service, ct);
            var restart = compose.Where(s => s.Action == AssignPlan.Restart).Select(s => s.Service).ToList();
            if (restart.Count > 0)
                Check(await engine.ExecAsync(container, [.. InstanceLayout.ComposeCommand(project, composeWorkdir), "restart", .. restart], null, ct),
                    $"restarting {string.Join(", ", restart)}");
        }
        if (bare.Count == 0) return;
        var alive = (await _supervisor.StatusAsync(container, ct)).Where(s => s.Alive).Select(s => s.Name).ToHashSet();
        var rebuild = bare.Where(s => s.Action == AssignPlan.Rebuild).Select(s => s.Service).ToList();
        foreach (var service in rebuild)
            Check(await engine.ExecAsync(container, ["rm", "-f", $"/coast/services/{service}/installed"], null, ct), $"resetting the install of '{service}'");
        // Only what runs: a service with autostart = false that was never started stays so.
        var again = bare.Where(s => s.Action is AssignPlan.Restart or AssignPlan.Rebuild && alive.Contains(s.Service)).Select(s => s.Service).ToList();
        if (again.Count > 0) await _supervisor.RestartAsync(container, again, ct);
    }

    private async Task RebuildComposeAsync(string container, Project project, Build build, ComposeFile file, string workdir, string service, CancellationToken ct)
    {
        if (file.ServiceNames.Contains(service) && file.BuildOf(service) is { } spec && build.Status.Images.TryGetValue(service, out var image))
        {
            var context = Posix(Path.Combine(workdir, spec.Context));
            string[] args = [.. spec.Args.SelectMany(kv => new[] { "--build-arg", $"{kv.Key}={kv.Value}" })];
            Check(await engine.ExecAsync(container, ["docker", "build", "-q", "-t", image, "-f", Posix(Path.Combine(context, spec.Dockerfile)), .. args, context], null, ct),
                $"rebuilding the image of '{service}' from the new worktree");
        }
        Check(await engine.ExecAsync(container, [.. InstanceLayout.ComposeCommand(project, workdir), "up", "-d", "--no-deps", "--force-recreate", service], null, ct),
            $"recreating '{service}'");
    }

    private static string Posix(string path) => Path.GetFullPath(path, "/").Replace('\\', '/');

    private static void Check(ExecResult r, string what)
    {
        if (r.ExitCode != 0)
            throw new ReconcileFailedException(InstanceReasons.AssignFailed,
                $"assign: {what} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()}");
    }
}
