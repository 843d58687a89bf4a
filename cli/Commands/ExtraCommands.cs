using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>The Coasts-compatible verbs and the commands about the controller, database and images.</summary>
public static class ExtraCommands
{
    public static IEnumerable<Command> Create(CliServices cli) =>
    [
        BuildCommand.Create(cli),
        .. BuildsCommands.Create(cli),
        RunCommand.Create(cli),
        LsCommand.Create(cli),
        PortsCommand.Create(cli),
        CheckoutCommand.Create(cli),
        .. AssignCommands.Create(cli),
        LookupCommand.Create(cli),
        RestartServicesCommand.Create(cli),
        .. LifecycleCommands.Create(cli),
        .. InstanceShellCommands.Create(cli),
        .. SystemCommands.Create(cli),
        ControllerCommand.Create(),
        DaemonCommand.Create(cli),
        DbCommand.Create(cli),
        SourceCommands.Create(cli),
        SharedServicesCommands.Create(cli),
        RemoteCommands.Create(cli),
    ];
}
