using Coast.Client.Database;
using Coast.Controller.Hosting;
using Microsoft.Extensions.Hosting;

namespace Coast.Daemon;

/// <summary>
/// `coastd run`: the reconcilers in the foreground until Ctrl-C / SIGTERM. `coast controller` becomes this process
/// (exec, same pid) and `coast daemon start` starts it in the background with its own pid file, log and socket.
/// </summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(DaemonArgs args, CancellationToken ct)
    {
        if (args.Words.Count > 0) throw new DaemonUsageException($"unexpected argument '{args.Words[0]}'");
        if (args.Get("--log-file") is { } log)
        {
            // Owner-only: the log names secrets, paths and projects.
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(log))!);
            var writer = new StreamWriter(PrivateFiles.OpenAppend(log)) { AutoFlush = true };
            Console.SetOut(writer);
            Console.SetError(writer);
        }
        var connectionString = await DatabaseLocator.ResolveAsync(ct);
        using var host = CoastControllerHost.Build(connectionString, DatabaseLocator.Schema, controlSocket: args.Get("--control-socket"));
        if (args.Get("--pid-file") is { } pid)
        {
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(pid))!);
            PrivateFiles.WriteAllText(pid, Environment.ProcessId.ToString());
        }
        Console.WriteLine($"coast controller {Environment.ProcessId} on {DatabaseLocator.Redact(connectionString)} schema {DatabaseLocator.Schema}");
        await host.RunAsync(ct);
        return 0;
    }
}
