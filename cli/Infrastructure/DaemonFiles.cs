using System.Security.Cryptography;
using System.Text;
using Coast.Client.Database;

namespace Coast.Cli.Infrastructure;

/// <summary>Where the background controller of one database keeps its pid file, log and control socket.</summary>
public sealed record DaemonFiles(string PidFile, string LogFile, string SocketPath)
{
    /// <summary>One daemon per database and schema: the files are named after a hash of both.</summary>
    public static DaemonFiles ForCurrentDatabase()
    {
        var identity = (DatabaseLocator.External() ?? "embedded:" + DatabaseLocator.EmbeddedLayout.BaseDir) + "|" + StoreConnector.Schema;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
        var dir = Path.Combine(DatabaseLocator.CoastHome, "daemon");
        return new DaemonFiles(Path.Combine(dir, $"controller-{id}.pid"), Path.Combine(dir, $"controller-{id}.log"),
            Path.Combine(dir, $"controller-{id}.sock"));
    }

    /// <summary>The pid of the running controller, or null (a stale pid file is ignored).</summary>
    public int? RunningPid()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid)) return null;
        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline)) return null;
        // Guard against a reused pid: the process must be a controller (`coastd run`).
        var args = File.ReadAllText(cmdline).Split('\0');
        return args.Contains("run") && args.Any(a => a.EndsWith("coastd.dll") || a.EndsWith("/coastd") || a == "coastd") ? pid : null;
    }
}
