using System.Diagnostics;
using System.Runtime.InteropServices;
using Coast.Client.Database;

namespace Coast.Cli.Infrastructure;

/// <summary>Starts and stops the background controller (`coastd run`) of the current database.</summary>
public static partial class Daemon
{
    public static async Task<int> StartAsync(DaemonFiles files, CancellationToken ct)
    {
        if (files.RunningPid() is { } running) return running;
        LocalState.Secure();
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(files.PidFile)!);
        File.Delete(files.PidFile);

        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("--fork");
        foreach (var a in Coastd.Command()) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "run", "--pid-file", files.PidFile, "--log-file", files.LogFile, "--control-socket", files.SocketPath })
            psi.ArgumentList.Add(a);
        using (var launcher = Process.Start(psi) ?? throw new CliException("could not start the controller (setsid)."))
        {
            launcher.StandardInput.Close();
            await launcher.WaitForExitAsync(ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (files.RunningPid() is { } pid) return pid;
            await Task.Delay(100, ct);
        }
        throw new CliException($"the controller did not start within 30 s; see {files.LogFile}");
    }

    /// <summary>Sends SIGTERM, waits for a clean exit, then SIGKILL. Returns false when none was running.</summary>
    public static async Task<bool> StopAsync(DaemonFiles files, CancellationToken ct)
    {
        if (files.RunningPid() is not { } pid) return false;
        _ = kill(pid, 15);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && Directory.Exists($"/proc/{pid}")) await Task.Delay(100, ct);
        if (Directory.Exists($"/proc/{pid}")) _ = kill(pid, 9);
        File.Delete(files.PidFile);
        return true;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
