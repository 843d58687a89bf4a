using System.CommandLine;
using Coast.Cli.Infrastructure;
using Coast.Client.Database;

namespace Coast.Cli.Commands;

/// <summary>`coast db status|start|stop`: the embedded database (or which external one is used).</summary>
public static class DbCommand
{
    public static Command Create(CliServices cli)
    {
        var command = new Command("db", "Show and control Coast's database (embedded by default; COAST_DATABASE_URL for your own).");

        var status = new Command("status", "Show which database Coast uses and whether it runs.");
        status.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            if (DatabaseLocator.External() is { } external)
            {
                cli.Out.WriteLine("mode:       external (COAST_DATABASE_URL)");
                cli.Out.WriteLine($"connection: {DatabaseLocator.Redact(external)}");
                return ExitCodes.Ok;
            }
            var s = await new PostgresCluster(DatabaseLocator.EmbeddedLayout).StatusAsync(token);
            cli.Out.WriteLine("mode:        embedded");
            cli.Out.WriteLine($"state:       {(s.Running ? $"running (pid {s.Pid})" : s.Initialized ? "stopped" : "not created yet (created on first use)")}");
            cli.Out.WriteLine($"data dir:    {s.Layout.DataDir}");
            cli.Out.WriteLine($"socket dir:  {s.Layout.SocketDir} (unix socket only, no TCP)");
            cli.Out.WriteLine($"log:         {s.Layout.LogFile}");
            cli.Out.WriteLine($"connection:  {s.Layout.ConnectionString(DatabaseLocator.DatabaseName)}");
            return s.Running ? ExitCodes.Ok : ExitCodes.Error;
        }, ct));

        var start = new Command("start", "Create (first time) and start the embedded database.");
        start.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            RequireEmbedded();
            await DatabaseLocator.ResolveAsync(token);
            cli.Out.WriteLine($"embedded database running in {DatabaseLocator.EmbeddedLayout.BaseDir}");
            return ExitCodes.Ok;
        }, ct));

        var stop = new Command("stop", "Stop the embedded database (stop the controller first: `coast daemon stop`).");
        stop.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            RequireEmbedded();
            await new PostgresCluster(DatabaseLocator.EmbeddedLayout).StopAsync(token);
            cli.Out.WriteLine("embedded database stopped");
            return ExitCodes.Ok;
        }, ct));

        command.Add(status);
        command.Add(start);
        command.Add(stop);
        return command;
    }

    private static void RequireEmbedded()
    {
        if (DatabaseLocator.External() is not null)
            throw new CliException("COAST_DATABASE_URL is set: Coast uses that database and does not start or stop it.");
    }
}
