namespace Coast.Client.Database;

/// <summary>
/// The Coast home (`$COAST_HOME`, default `~/.coast`) and, under root, `/var/lib/coast`: private to their
/// owner. Created that way, and narrowed on every start when an earlier version left them readable
/// (0755 directories, 0644 logs and pid files). The one exception is a directory that holds the embedded
/// cluster while the server runs as another user (`postgres`, under root): it is 0710 with that user's
/// group, so the server can pass through to its own 0700 directory and no one else can even list it.
/// </summary>
public static class LocalState
{
    /// <summary>Subdirectories Coast keeps in its home; each is owner-only, and so is every file directly in it.</summary>
    public static readonly IReadOnlyList<string> Subdirectories = ["daemon", "logs", "images", "dind"];

    public const string ServerUser = "postgres";

    /// <summary>Makes the home (and the embedded cluster's parent) private; cheap when nothing is wrong.</summary>
    public static void Secure()
    {
        var home = DatabaseLocator.CoastHome;
        var clusterParent = DatabaseLocator.External() is null ? Path.GetDirectoryName(DatabaseLocator.EmbeddedLayout.BaseDir) : null;
        SecureDirectory(home, HoldsClusterOfAnotherUser(home, clusterParent));
        if (clusterParent is not null && clusterParent != home) SecureDirectory(clusterParent, HoldsClusterOfAnotherUser(clusterParent, clusterParent));
        foreach (var sub in Subdirectories)
        {
            var dir = Path.Combine(home, sub);
            if (!Directory.Exists(dir)) continue;
            PrivateFiles.Restrict(dir, PrivateFiles.OwnerOnlyDirectory);
            if (sub is "daemon" or "logs") PrivateFiles.RestrictFilesIn(dir);
        }
    }

    /// <summary>A private subdirectory of the Coast home (created with the home when missing).</summary>
    public static string PrivateDirectory(string name)
    {
        var home = DatabaseLocator.CoastHome;
        if (!Directory.Exists(home)) Secure();
        var dir = Path.Combine(home, name);
        PrivateFiles.EnsureDirectory(dir);
        return dir;
    }

    private static bool HoldsClusterOfAnotherUser(string dir, string? clusterParent) =>
        PostgresCluster.RunningAsRoot && clusterParent is not null && Path.GetFullPath(dir) == Path.GetFullPath(clusterParent);

    private static void SecureDirectory(string dir, bool holdsClusterOfAnotherUser)
    {
        if (!holdsClusterOfAnotherUser)
        {
            PrivateFiles.EnsureDirectory(dir);
            return;
        }
        PrivateFiles.EnsureDirectory(dir, PrivateFiles.GroupTraverseDirectory);
        PrivateFiles.SetGroup(dir, ServerUser);
    }
}
