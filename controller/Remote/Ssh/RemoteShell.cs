namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// SSH runs a command line through the remote user's shell; this turns an argument list into one,
/// quoting every argument for a POSIX shell so no argument is ever split or expanded.
/// </summary>
public static class RemoteShell
{
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    public static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@,+%".Contains(c))
            ? arg
            : "'" + arg.Replace("'", "'\\''") + "'";
}
