using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>`coast controller`: runs the reconcilers (coastd run) in the foreground until Ctrl-C / SIGTERM.</summary>
public static class ControllerCommand
{
    public static Command Create()
    {
        var pidFile = new Option<string?>("--pid-file") { Description = "Write this process's pid here (used by `coast daemon`)." };
        var logFile = new Option<string?>("--log-file") { Description = "Append logs to this file instead of the terminal." };
        var controlSocket = new Option<string?>("--control-socket") { Description = "Serve `coast checkout` on this unix socket (the daemon passes its own)." };
        var command = new Command("controller", "Run the controller in the foreground (the daemon runs this in the background).") { pidFile, logFile, controlSocket };
        // The controller is coastd; this process becomes it (same pid), so the options are checked here first.
        command.SetAction((parse, ct) => CommandRunner.RunAsync(token =>
        {
            var args = new List<string> { "run" };
            foreach (var (option, value) in new[] { ("--pid-file", parse.GetValue(pidFile)), ("--log-file", parse.GetValue(logFile)),
                         ("--control-socket", parse.GetValue(controlSocket)) })
                if (value is not null) args.AddRange([option, value]);
            return Coastd.ExecAsync(args, token);
        }, ct));
        return command;
    }
}
