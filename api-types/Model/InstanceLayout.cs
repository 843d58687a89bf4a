using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Model;

/// <summary>
/// Where things are inside and beside an instance, shared by the controller (which makes them) and the CLI
/// (which runs `docker exec` into them): the inner compose file and its command line, and the worktree.
/// </summary>
public static class InstanceLayout
{
    /// <summary>The rendered compose file inside the instance's DinD container.</summary>
    public const string ComposeFile = "/coast/compose.yml";

    /// <summary>The env file with the injected secrets and [inject] env values, read by compose for interpolation.</summary>
    public const string InjectedEnvFile = "/coast/inject/compose.env";

    /// <summary>Whether the project injects anything (secrets or [inject] values) into its services.</summary>
    public static bool Injects(Project project) =>
        project.Spec.Secrets.Count > 0 || project.Spec.Inject.Env.Count > 0 || project.Spec.Inject.Files.Count > 0;

    /// <summary>`docker-compose` for the project's inner stack, run inside the instance (with the injected env file when there is one).</summary>
    public static string[] ComposeCommand(Project project, string workdir = "/workspace") =>
        ["docker-compose", "-p", CoastNames.InnerComposeProject(project.Metadata.Name), "-f", ComposeFile, "--project-directory", workdir,
            .. Injects(project) ? new[] { "--env-file", InjectedEnvFile } : []];

    /// <summary>The instance's worktree relative to the project root (a bare name lives under the first worktree dir), or null.</summary>
    public static string? WorktreePath(Instance instance, Project project)
    {
        if (instance.Spec.Worktree is not { Length: > 0 } w) return null;
        return w.Contains('/') ? w : $"{project.Spec.WorktreeDirs.FirstOrDefault() ?? ".worktrees"}/{w}";
    }
}
