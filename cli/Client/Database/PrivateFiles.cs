using System.Runtime.InteropServices;

namespace Coast.Client.Database;

/// <summary>
/// Owner-only files and directories (0700 / 0600), created that way and repaired when an earlier version
/// left them readable: Coast's state, logs and sockets name secrets, paths and the way into desired state.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner everything, the group may only pass through (to reach a known name below).</summary>
    public const UnixFileMode GroupTraverseDirectory = OwnerOnlyDirectory | UnixFileMode.GroupExecute;

    /// <summary>Creates the directory (and missing parents) owner-only, or narrows an existing one to <paramref name="mode"/>.</summary>
    public static void EnsureDirectory(string path, UnixFileMode mode = OwnerOnlyDirectory)
    {
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, OwnerOnlyDirectory);
        Restrict(path, mode);
    }

    /// <summary>Sets the mode of an existing file or directory when it differs; a missing path is left alone.</summary>
    public static void Restrict(string path, UnixFileMode mode)
    {
        try
        {
            if (File.GetUnixFileMode(path) != mode) File.SetUnixFileMode(path, mode);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Every file directly in <paramref name="dir"/> (logs, pid files, sockets) becomes owner-only.</summary>
    public static void RestrictFilesIn(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var file in Directory.EnumerateFiles(dir)) Restrict(file, OwnerOnlyFile);
    }

    /// <summary>A file opened for appending, created 0600 (and narrowed to 0600 if it existed).</summary>
    public static FileStream OpenAppend(string path)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite, UnixCreateMode = OwnerOnlyFile,
        });
        Restrict(path, OwnerOnlyFile);
        return stream;
    }

    /// <summary>Writes a whole file, created 0600 (and narrowed to 0600 if it existed).</summary>
    public static void WriteAllText(string path, string text)
    {
        using (var stream = new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile,
               }))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        Restrict(path, OwnerOnlyFile);
    }

    /// <summary>Gives a path the group of a system user (keeping its owner), e.g. so the `postgres` server may pass through.</summary>
    public static void SetGroup(string path, string groupName)
    {
        if (GroupId(groupName) is not { } gid) throw new InvalidOperationException($"group '{groupName}' does not exist");
        if (chown(path, -1, gid) != 0)
            throw new UnauthorizedAccessException($"cannot give {path} the group '{groupName}' (errno {Marshal.GetLastWin32Error()})");
    }

    /// <summary>The gid of a group, or null when there is none.</summary>
    public static int? GroupId(string groupName)
    {
        var entry = getgrnam(groupName);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }
        return entry == IntPtr.Zero ? null : Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    public static uint EffectiveUserId => geteuid();

    [DllImport("libc", SetLastError = true)] private static extern int chown(string path, int owner, int group);
    [DllImport("libc")] private static extern IntPtr getgrnam(string name);
    [DllImport("libc")] private static extern uint geteuid();
}
