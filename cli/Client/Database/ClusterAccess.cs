using System.Runtime.InteropServices;

namespace Coast.Client.Database;

/// <summary>
/// Who may connect to the embedded cluster, in two independent layers (docs/operations.md, "Who can reach
/// the database"): (1) the socket directory and the socket are the server user's only (0700), so no other
/// local user can even open the socket; root passes by privilege. (2) `peer` authentication maps only the
/// OS users root and the Coast home's owner to the database user, so a loosened mode still lets nobody else
/// in. Clusters made by earlier versions (trust auth, world-reachable socket) are repaired on every start,
/// and a running server is told to re-read its rules.
/// </summary>
public sealed class ClusterAccess(ClusterLayout layout, string serverUser)
{
    public const string MapName = "coast";

    private string HbaFile => Path.Combine(layout.DataDir, "pg_hba.conf");
    private string IdentFile => Path.Combine(layout.DataDir, "pg_ident.conf");
    private string AutoConf => Path.Combine(layout.DataDir, "postgresql.auto.conf");
    /// <summary>What `unix_socket_permissions = 0700` gives the socket: the server user only.</summary>
    public const UnixFileMode SocketMode = PrivateFiles.OwnerOnlyDirectory;

    public string SocketFile => Path.Combine(layout.SocketDir, $".s.PGSQL.{layout.Port}");

    /// <summary>The OS users that may connect as the database user: root and whoever runs Coast.</summary>
    public static IReadOnlyList<string> AllowedUsers =>
        Environment.UserName is { Length: > 0 } me && me != "root" ? ["root", me] : ["root"];

    public static string HbaText =>
        "# Written by Coast (see docs/operations.md); rewritten on every start.\n" +
        "# Unix socket only, peer authentication: the OS user must be one that pg_ident.conf maps to 'coast'.\n" +
        $"local   all   {ClusterLayout.User}   peer map={MapName}\n" +
        "local   all   all                    reject\n" +
        "host    all   all   all              reject\n";

    public static string IdentText =>
        "# Written by Coast: OS users allowed to connect as the database user 'coast' (root and the Coast home's owner).\n" +
        string.Concat(AllowedUsers.Select(u => $"{MapName}   {u}   {ClusterLayout.User}\n"));

    /// <summary>The settings Coast owns in postgresql.auto.conf.</summary>
    public string ServerSettings =>
        $"listen_addresses = ''\nport = {layout.Port}\nunix_socket_directories = '{layout.SocketDir}'\n" +
        "unix_socket_permissions = 0700\nmax_connections = 200\nfsync = on\n";

    /// <summary>
    /// Narrows modes and rewrites the auth rules when they differ; cheap when nothing changed (a few stat
    /// calls and two small reads), since every command passes here. Returns true when the rules changed.
    /// </summary>
    public bool Secure()
    {
        PrivateFiles.Restrict(layout.BaseDir, PrivateFiles.OwnerOnlyDirectory);
        PrivateFiles.Restrict(layout.SocketDir, PrivateFiles.OwnerOnlyDirectory);
        PrivateFiles.Restrict(layout.DataDir, PrivateFiles.OwnerOnlyDirectory);
        PrivateFiles.Restrict(layout.LogFile, PrivateFiles.OwnerOnlyFile);
        PrivateFiles.Restrict(layout.LockFile, PrivateFiles.OwnerOnlyFile);
        PrivateFiles.Restrict(SocketFile, SocketMode);
        if (!File.Exists(HbaFile)) return false;
        var changed = Rewrite(HbaFile, HbaText) | Rewrite(IdentFile, IdentText);
        if (!File.ReadAllText(AutoConf).Contains("unix_socket_permissions"))
        {
            // Takes effect at the next server start; until then the socket's own mode is narrowed above.
            File.AppendAllText(AutoConf, "unix_socket_permissions = 0700\n");
            HandOver(AutoConf);
        }
        return changed;
    }

    /// <summary>Asks a running postmaster to re-read pg_hba.conf and pg_ident.conf (SIGHUP, as `pg_ctl reload`).</summary>
    public static void Reload(int postmasterPid) => _ = kill(postmasterPid, 1);

    private bool Rewrite(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return false;
        PrivateFiles.WriteAllText(path, text);
        HandOver(path);
        return true;
    }

    /// <summary>Under root the server runs as another user, which must own what it reads.</summary>
    private void HandOver(string path)
    {
        if (!PostgresCluster.RunningAsRoot || PasswdIds(serverUser) is not { } ids) return;
        _ = chown(path, ids.Uid, ids.Gid);
    }

    private static (int Uid, int Gid)? PasswdIds(string user)
    {
        var entry = getpwnam(user);
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        return entry == IntPtr.Zero ? null : (Marshal.ReadInt32(entry, 2 * IntPtr.Size), Marshal.ReadInt32(entry, 2 * IntPtr.Size + 4));
    }

    [DllImport("libc")] private static extern IntPtr getpwnam(string name);
    [DllImport("libc", SetLastError = true)] private static extern int chown(string path, int owner, int group);
    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);
}
