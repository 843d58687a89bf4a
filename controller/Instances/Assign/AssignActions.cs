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
/// container's bind mounts keep the old worktree until it restarts). The same code runs in a remote agent, on
/// the <see cref="AssignAction"/>s the controller resolved (<see cref="ResolveAsync"/>) and sent in its PUT.
/// </summary>
public sealed class AssignActions(IContainerEngine engine)
{
    private readonly BareServiceSupervisor _supervisor = new(engine);

    /// <summary>The plan's steps for this project and build: which services are bare, and what a compose rebuild builds.</summary>
    public static async Task<IReadOnlyList<AssignAction>> ResolveAsync(Project project, Build build, string composeWorkdir, IReadOnlyList<AssignServiceStep> steps, CancellationToken ct)
    {
        var file = project.Spec.Compose is { } c && steps.Any(s => s.Action == AssignPlan.Rebuild)
            ? ComposeFile.Parse(await File.ReadAllTextAsync(Path.Combine(project.Spec.RootDir, c), ct), c) : null;
        return steps.Select(s => AssignServices.IsBare(project, s.Service)
            ? new AssignAction(s.Service, s.Action, Bare: true)
            : new AssignAction(s.Service, s.Action, Bare: false, s.Action == AssignPlan.Rebuild ? RebuildOf(file, build, composeWorkdir, s.Service) : null)).ToList();
    }

    public async Task RunAsync(string container, IReadOnlyList<string> composeCommand, IReadOnlyList<AssignAction> actions, CancellationToken ct)
    {
        var compose = actions.Where(s => !s.Bare).ToList();
        var bare = actions.Where(s => s.Bare).ToList();
        foreach (var step in compose.Where(s => s.Action == AssignPlan.Rebuild))
            await RebuildComposeAsync(container, composeCommand, step, ct);
        var restart = compose.Where(s => s.Action == AssignPlan.Restart).Select(s => s.Service).ToList();
        if (restart.Count > 0)
            Check(await engine.ExecAsync(container, [.. composeCommand, "restart", .. restart], null, ct), $"restarting {string.Join(", ", restart)}");
        if (bare.Count == 0) return;
        var alive = (await _supervisor.StatusAsync(container, ct)).Where(s => s.Alive).Select(s => s.Name).ToHashSet();
        var rebuild = bare.Where(s => s.Action == AssignPlan.Rebuild).Select(s => s.Service).ToList();
        foreach (var service in rebuild)
            Check(await engine.ExecAsync(container, ["rm", "-f", $"/coast/services/{service}/installed"], null, ct), $"resetting the install of '{service}'");
        // Only what runs: a service with autostart = false that was never started stays so.
        var again = bare.Where(s => s.Action is AssignPlan.Restart or AssignPlan.Rebuild && alive.Contains(s.Service)).Select(s => s.Service).ToList();
        if (again.Count > 0) await _supervisor.RestartAsync(container, again, ct);
    }

    private static AssignRebuild? RebuildOf(ComposeFile? file, Build build, string workdir, string service)
    {
        if (file is null || !file.ServiceNames.Contains(service) || file.BuildOf(service) is not { } spec || !build.Status.Images.TryGetValue(service, out var image))
            return null;
        var context = Posix(Path.Combine(workdir, spec.Context));
        return new AssignRebuild(image, context, Posix(Path.Combine(context, spec.Dockerfile)), new Dictionary<string, string>(spec.Args));
    }

    private async Task RebuildComposeAsync(string container, IReadOnlyList<string> composeCommand, AssignAction step, CancellationToken ct)
    {
        if (step.Rebuild is { } b)
        {
            string[] args = [.. b.Args.SelectMany(kv => new[] { "--build-arg", $"{kv.Key}={kv.Value}" })];
            Check(await engine.ExecAsync(container, ["docker", "build", "-q", "-t", b.Image, "-f", b.Dockerfile, .. args, b.Context], null, ct),
                $"rebuilding the image of '{step.Service}' from the new worktree");
        }
        Check(await engine.ExecAsync(container, [.. composeCommand, "up", "-d", "--no-deps", "--force-recreate", step.Service], null, ct),
            $"recreating '{step.Service}'");
    }

    private static string Posix(string path) => Path.GetFullPath(path, "/").Replace('\\', '/');

    private static void Check(ExecResult r, string what)
    {
        if (r.ExitCode != 0)
            throw new ReconcileFailedException(InstanceReasons.AssignFailed,
                $"assign: {what} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()}");
    }
}
