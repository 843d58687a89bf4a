using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>`coast daemon start|stop|status|logs`: the background controller, one per database.</summary>
public static class DaemonCommand
{
    public static Command Create(CliServices cli)
    {
        var command = new Command("daemon", "Manage the background controller (one per database).");

        var start = new Command("start", "Start the background controller if it is not running.");
        start.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            var files = DaemonFiles.ForCurrentDatabase();
            var was = files.RunningPid();
            var pid = await Daemon.StartAsync(files, token);
            cli.Out.WriteLine(was is null ? $"controller started (pid {pid}); logs: {files.LogFile}" : $"controller already running (pid {pid})");
            return ExitCodes.Ok;
        }, ct));

        var stop = new Command("stop", "Stop the background controller.");
        stop.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            var stopped = await Daemon.StopAsync(DaemonFiles.ForCurrentDatabase(), token);
            cli.Out.WriteLine(stopped ? "controller stopped" : "controller was not running");
            return ExitCodes.Ok;
        }, ct));

        var status = new Command("status", "Show whether the background controller runs. Exit code 1 when it does not.");
        status.SetAction((_, ct) => CommandRunner.RunAsync(token =>
        {
            var files = DaemonFiles.ForCurrentDatabase();
            var pid = files.RunningPid();
            cli.Out.WriteLine(pid is null ? "controller: not running" : $"controller: running (pid {pid})");
            cli.Out.WriteLine($"log: {files.LogFile}");
            cli.Out.WriteLine($"socket: {files.SocketPath}");
            return Task.FromResult(pid is null ? ExitCodes.Error : ExitCodes.Ok);
        }, ct));

        var tail = new Option<int>("--tail", "-n") { Description = "Lines to show from the end.", DefaultValueFactory = _ => 50 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines." };
        var logs = new Command("logs", "Show the background controller's log.") { tail, follow };
        logs.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var files = DaemonFiles.ForCurrentDatabase();
            if (!File.Exists(files.LogFile)) throw new CliException($"no log yet at {files.LogFile}; start the controller with `coast daemon start`.");
            await LogTail.WriteAsync(files.LogFile, parse.GetValue(tail), parse.GetValue(follow), cli.Out, token);
            return ExitCodes.Ok;
        }, ct));

        command.Add(start);
        command.Add(stop);
        command.Add(status);
        command.Add(logs);
        return command;
    }
}
