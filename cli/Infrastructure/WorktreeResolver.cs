using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;

namespace Coast.Cli.Infrastructure;

/// <summary>A worktree `-w` resolved to: its path relative to the project root (null = the root itself) and its branch.</summary>
/// <param name="Create">The branch exists but has no worktree yet: it is made (`git worktree add`) when the assign goes ahead.</param>
public sealed record ResolvedWorktree(string? RelativePath, string Directory, string? Branch, bool Create);

/// <summary>
/// `-w` of `coast assign` and `coast run`: a worktree name (under a worktree dir), a branch name, a path relative to
/// the project root or an absolute path: all of one worktree resolve to the same relative path, the value stored in
/// spec.worktree. A branch without a worktree gets one under the first worktree dir. Worktrees outside the project
/// root cannot be mounted (the instance sees only the project root).
/// </summary>
public static class WorktreeResolver
{
    public static async Task<ResolvedWorktree> ResolveAsync(Project project, string given, CancellationToken ct)
    {
        var root = Path.GetFullPath(project.Spec.RootDir).TrimEnd('/');
        var listed = await ListAsync(root, ct);
        var dirs = project.Spec.WorktreeDirs.Count > 0 ? project.Spec.WorktreeDirs : [".worktrees"];
        (string Path, string? Branch)? match = null;
        if (Path.IsPathRooted(given))
        {
            var full = Path.GetFullPath(given).TrimEnd('/');
            match = listed.FirstOrDefault(w => w.Path == full) is { Path: not null } m ? m
                : throw new CliException($"no git worktree at {full}. `git -C {root} worktree list` shows the worktrees.", ExitCodes.NotFound);
        }
        else
        {
            var candidates = dirs.Select(d => Path.GetFullPath(Path.Combine(root, d, given)).TrimEnd('/'))
                .Append(Path.GetFullPath(Path.Combine(root, given)).TrimEnd('/')).ToList();
            var byBranch = listed.FirstOrDefault(w => w.Branch == given);
            var byPath = listed.FirstOrDefault(w => candidates.Contains(w.Path));
            if (byBranch.Path is not null) match = byBranch;
            else if (byPath.Path is not null) match = byPath;
        }
        if (match is { } found) return ToResolved(root, found.Path, found.Branch, create: false);
        if (await BranchExistsAsync(root, given, ct))
        {
            var dir = Path.GetFullPath(Path.Combine(root, dirs[0], given.Replace('/', '-')));
            if (Directory.Exists(dir)) throw new CliException($"branch '{given}' has no worktree, and {dir} exists already but is not one; move it away or give another name.");
            return ToResolved(root, dir, given, create: true);
        }
        throw new CliException(
            $"no worktree or branch named '{given}' in {root}. `git worktree list` shows the worktrees, `git branch` the branches; create one with `git worktree add {dirs[0]}/{given}`.",
            ExitCodes.NotFound);
    }

    /// <summary>Makes the worktree of a branch that had none (see <see cref="ResolvedWorktree.Create"/>).</summary>
    public static async Task CreateAsync(string projectRoot, ResolvedWorktree worktree, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("git", ["-C", projectRoot, "worktree", "add", worktree.Directory, worktree.Branch!], TimeSpan.FromMinutes(2), ct);
        if (r.ExitCode != 0) throw new CliException($"`git worktree add {worktree.Directory} {worktree.Branch}` failed: {r.StandardError.Trim()}");
    }

    private static ResolvedWorktree ToResolved(string root, string path, string? branch, bool create)
    {
        if (path == root) return new(null, root, branch, create);
        var relative = Path.GetRelativePath(root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new CliException($"worktree {path} is outside the project root {root}: an instance can only mount worktrees under it (set worktree_dir to a directory inside the project).");
        return new(relative, path, branch, create);
    }

    /// <summary>`git worktree list --porcelain`: each worktree's path and branch (null when detached).</summary>
    public static async Task<IReadOnlyList<(string Path, string? Branch)>> ListAsync(string root, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("git", ["-C", root, "worktree", "list", "--porcelain"], TimeSpan.FromSeconds(30), ct);
        if (r.ExitCode != 0) throw new CliException($"{root} is not a git repository, so it has no worktrees to assign: {r.StandardError.Trim()}");
        var result = new List<(string, string?)>();
        string? path = null, branch = null;
        foreach (var line in r.StandardOutput.Split('\n').Append(""))
        {
            if (line.StartsWith("worktree ", StringComparison.Ordinal)) path = line["worktree ".Length..].TrimEnd('/');
            else if (line.StartsWith("branch refs/heads/", StringComparison.Ordinal)) branch = line["branch refs/heads/".Length..];
            else if (line.Length == 0 && path is not null)
            {
                result.Add((path, branch));
                path = branch = null;
            }
        }
        return result;
    }

    private static async Task<bool> BranchExistsAsync(string root, string branch, CancellationToken ct) =>
        (await ProcessRunner.RunAsync("git", ["-C", root, "rev-parse", "--verify", "--quiet", $"refs/heads/{branch}"], TimeSpan.FromSeconds(30), ct)).ExitCode == 0;
}
