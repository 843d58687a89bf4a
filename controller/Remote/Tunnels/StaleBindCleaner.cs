using System.Text.RegularExpressions;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>
/// Frees a remote port before a reverse bind is made on it. A port still held by another SSH session
/// (a connection of a controller that died without the server noticing, or our own dropped connection
/// whose session lingers) is a stale bind: that session process is stopped, as `fuser -k` would. A port
/// held by anything else is not ours to take: the caller reports it.
/// </summary>
public static partial class StaleBindCleaner
{
    /// <summary>Null when the port is free (or was freed); otherwise why it cannot be used.</summary>
    public static async Task<string?> ClearAsync(SshConnection ssh, int port, CancellationToken ct)
    {
        var holders = await HoldersAsync(ssh, port, ct);
        if (holders.Count == 0) return null;
        var own = await OwnSessionPidAsync(ssh, ct);
        foreach (var (name, pid) in holders)
        {
            if (pid == own) return $"remote port {port} is already bound by this connection";
            if (!name.StartsWith("sshd")) return $"remote port {port} is held by {name} (pid {pid}) on the remote host, not by a stale tunnel";
        }
        foreach (var (_, pid) in holders)
            await ssh.RunAsync(["kill", pid.ToString()], TimeSpan.FromSeconds(5), ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            if ((await HoldersAsync(ssh, port, ct)).Count == 0) return null;
            await Task.Delay(100, ct);
        }
        return $"remote port {port} is still held after stopping the stale ssh session(s) {string.Join(", ", holders.Select(h => h.Pid))}";
    }

    /// <summary>The processes listening on the remote port, from `ss -Htlnp` (needs the same user or root to see the process).</summary>
    public static async Task<List<(string Name, int Pid)>> HoldersAsync(SshConnection ssh, int port, CancellationToken ct)
    {
        var r = await ssh.RunAsync(["ss", "-Htlnp", $"sport = :{port}"], TimeSpan.FromSeconds(5), ct);
        var holders = new List<(string, int)>();
        foreach (Match m in UserPattern().Matches(r.StandardOutput))
            holders.Add((m.Groups["name"].Value, int.Parse(m.Groups["pid"].Value)));
        if (holders.Count == 0 && r.StandardOutput.Trim().Length > 0) holders.Add(("an unknown process", -1));
        return holders.Distinct().ToList();
    }

    /// <summary>The sshd process serving this connection: the parent of the shell a command runs in.</summary>
    private static async Task<int> OwnSessionPidAsync(SshConnection ssh, CancellationToken ct)
    {
        var r = await ssh.RunShellAsync("echo $PPID", TimeSpan.FromSeconds(5), ct);
        return int.TryParse(r.StandardOutput.Trim(), out var pid) ? pid : -1;
    }

    [GeneratedRegex("""\("(?<name>[^"]+)",pid=(?<pid>\d+)""")]
    private static partial Regex UserPattern();
}
