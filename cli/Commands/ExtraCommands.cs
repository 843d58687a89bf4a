using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>Commands about the controller process and the database.</summary>
public static class ExtraCommands
{
    public static IEnumerable<Command> Create(CliServices cli) =>
    [
        ControllerCommand.Create(),
        DaemonCommand.Create(cli),
        DbCommand.Create(cli),
    ];
}
