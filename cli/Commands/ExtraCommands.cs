using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>Commands wired to the controller and database (controller, daemon, db).</summary>
public static class ExtraCommands
{
    public static IEnumerable<Command> Create(CliServices cli) => [];
}
