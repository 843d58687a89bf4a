using System.CommandLine;
using Coast.Cli.Infrastructure;
using Coast.Controller.Database;
using Coast.Controller.Hosting;
using Microsoft.Extensions.Hosting;

namespace Coast.Cli.Commands;

/// <summary>`coast controller`: runs the reconcilers in the foreground until Ctrl-C / SIGTERM.</summary>
public static class ControllerCommand
{
    public static Command Create()
    {
        var pidFile = new Option<string?>("--pid-file") { Description = "Write this process's pid here (used by `coast daemon`)." };
        var logFile = new Option<string?>("--log-file") { Description = "Append logs to this file instead of the terminal." };
        var controlSocket = new Option<string?>("--control-socket") { Description = "Serve `coast checkout` on this unix socket (the daemon passes its own)." };
        var command = new Command("controller", "Run the controller in the foreground (the daemon runs this in the background).") { pidFile, logFile, controlSocket };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            if (parse.GetValue(logFile) is { } log)
            {
                // Owner-only: the log names secrets, paths and projects.
                PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(log))!);
                var writer = new StreamWriter(PrivateFiles.OpenAppend(log)) { AutoFlush = true };
                Console.SetOut(writer);
                Console.SetError(writer);
            }
            var connectionString = await DatabaseLocator.ResolveAsync(token);
            using var host = CoastControllerHost.Build(connectionString, StoreConnector.Schema, controlSocket: parse.GetValue(controlSocket));
            if (parse.GetValue(pidFile) is { } pid)
            {
                PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(pid))!);
                PrivateFiles.WriteAllText(pid, Environment.ProcessId.ToString());
            }
            Console.WriteLine($"coast controller {Environment.ProcessId} on {DatabaseLocator.Redact(connectionString)} schema {StoreConnector.Schema}");
            await host.RunAsync(token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
