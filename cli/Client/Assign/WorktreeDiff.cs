namespace Coast.Client.Assign;

/// <summary>
/// Whether a file differs between two checkouts of a project (the worktree an instance leaves and the one it
/// switches to): one of them lacks it, or their bytes differ. Used for [assign.rebuild_triggers] by both
/// `coast assign --explain` and the controller, so both say the same.
/// </summary>
public static class WorktreeDiff
{
    public static bool Differs(string fromDir, string toDir, string relativePath)
    {
        var a = Path.Combine(fromDir, relativePath);
        var b = Path.Combine(toDir, relativePath);
        var hasA = File.Exists(a);
        var hasB = File.Exists(b);
        if (hasA != hasB) return true;
        if (!hasA) return false;
        if (new FileInfo(a).Length != new FileInfo(b).Length) return true;
        return !File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }

    /// <summary>The host directory of a worktree (relative to the project root; null = the root).</summary>
    public static string Dir(string projectRoot, string? worktree) => worktree is null ? projectRoot : Path.Combine(projectRoot, worktree);
}
