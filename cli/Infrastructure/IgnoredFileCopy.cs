using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// A fresh worktree lacks the project's git-ignored files (`.env`, local config): each ignored *file* of the project
/// root that the worktree does not have is copied in before an assign. Ignored directories (node_modules, build
/// output, the worktree dirs themselves) and [assign] exclude_paths are left out; existing files are never overwritten.
/// </summary>
public static class IgnoredFileCopy
{
    public static async Task<IReadOnlyList<string>> PlanAsync(Project project, string targetDir, CancellationToken ct)
    {
        var root = project.Spec.RootDir;
        var r = await ProcessRunner.RunAsync("git", ["-C", root, "ls-files", "--others", "--ignored", "--exclude-standard", "--directory"], TimeSpan.FromSeconds(30), ct);
        if (r.ExitCode != 0) return [];
        var excluded = project.Spec.Assign.ExcludePaths.Select(p => p.Trim('/')).Where(p => p.Length > 0).ToList();
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !f.EndsWith('/'))
            .Where(f => !excluded.Any(e => f == e || f.StartsWith(e + "/", StringComparison.Ordinal)))
            .Where(f => File.Exists(Path.Combine(root, f)) && !File.Exists(Path.Combine(targetDir, f)))
            .ToList();
    }

    public static void Copy(Project project, string targetDir, IEnumerable<string> files)
    {
        foreach (var f in files)
        {
            var target = Path.Combine(targetDir, f);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(project.Spec.RootDir, f), target, overwrite: false);
        }
    }
}
