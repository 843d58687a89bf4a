using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.ApiTypes.Kinds;

namespace Coast.Controller.Instances.Assign;

/// <summary>What /workspace shows inside an instance compared with the worktree it should show.</summary>
public enum WorkspaceView { Expected, ProjectRoot, Other, Empty }

/// <summary>
/// /workspace inside a running instance: checks that it is mounted from the expected directory (same device and
/// inode as the worktree under /host-project, so an empty or stale /workspace is never taken for the right one),
/// and switches it to another worktree without recreating the container, the way the entrypoint mounts it on every
/// start: the workspace bind made rshared, then one bind per private path, whose directories are emptied first so
/// dev servers rebuild from the new branch's files instead of serving the old one's output.
/// </summary>
public sealed class WorkspaceMount(IContainerEngine engine)
{
    public const string HostProject = "/host-project";

    private const string CheckScript = """
        want=$(stat -c %d:%i "$1" 2>/dev/null) || { echo missing; exit 0; }
        have=$(stat -c %d:%i /workspace 2>/dev/null || true)
        root=$(stat -c %d:%i /host-project 2>/dev/null || true)
        if [ "$have" = "$want" ] && mountpoint -q /workspace; then echo expected
        elif [ -z "$(ls -A /workspace 2>/dev/null)" ]; then echo empty
        elif [ "$have" = "$root" ]; then echo root
        else echo other; fi
        """;

    // Values arrive as arguments ($1 the source) and the container's own COAST_PRIVATE_PATHS, never spliced into the text.
    private const string RemountScript = """
        set -e
        src=$1
        [ -d "$src" ] || { echo "no directory $src inside the instance" >&2; exit 3; }
        while mountpoint -q /workspace; do umount -l /workspace; done
        mount --bind "$src" /workspace
        mount --make-rshared /workspace || true
        old_ifs="$IFS"; IFS=:
        for p in $COAST_PRIVATE_PATHS; do
          [ -n "$p" ] || continue
          rm -rf "/coast-private/$p"
          mkdir -p "/coast-private/$p" "/workspace/$p"
          mount --bind "/coast-private/$p" "/workspace/$p"
        done
        IFS="$old_ifs"
        """;

    /// <summary>The path inside the instance of a worktree (relative to the project root; null = the root).</summary>
    public static string Source(string? worktree) => worktree is null ? HostProject : $"{HostProject}/{worktree}";

    public async Task<WorkspaceView> CheckAsync(string container, string? worktree, CancellationToken ct)
    {
        var r = await engine.ExecAsync(container, ["sh", "-c", CheckScript, "sh", Source(worktree)], null, ct);
        return r.StandardOutput.Trim() switch
        {
            "expected" => WorkspaceView.Expected,
            "root" => WorkspaceView.ProjectRoot,
            "empty" => WorkspaceView.Empty,
            "missing" => throw new ReconcileFailedException(InstanceReasons.WorktreeMissing,
                $"worktree '{worktree}' is not visible inside {container} at {Source(worktree)}"),
            var other when r.ExitCode == 0 && other.Length > 0 => WorkspaceView.Other,
            _ => throw new ReconcileFailedException(InstanceReasons.AssignFailed,
                $"checking /workspace in {container} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim()}"),
        };
    }

    public async Task RemountAsync(string container, string? worktree, CancellationToken ct)
    {
        var r = await engine.ExecAsync(container, ["sh", "-c", RemountScript, "sh", Source(worktree)], null, ct);
        if (r.ExitCode != 0)
            throw new ReconcileFailedException(InstanceReasons.AssignFailed,
                $"switching /workspace of {container} to {Source(worktree)} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim()}");
    }

    public static string Describe(WorkspaceView view, string? worktree) => view switch
    {
        WorkspaceView.Expected => $"/workspace is mounted from {worktree ?? "the project root"}",
        WorkspaceView.ProjectRoot => $"/workspace shows the project root, not {worktree}",
        WorkspaceView.Empty => $"/workspace is empty, not {worktree ?? "the project root"}",
        _ => $"/workspace shows another directory, not {worktree ?? "the project root"}",
    };
}
