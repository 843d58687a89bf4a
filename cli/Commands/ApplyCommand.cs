using System.CommandLine;
using Coast.Cli.Infrastructure;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast apply -f FILE|DIR|- [--dry-run]`: all-or-nothing create-or-update of desired state.</summary>
public static class ApplyCommand
{
    public static Command Create(CliServices cli, TextReader stdin)
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "Manifest file (YAML/JSON), Coastfile, directory of them, or - for stdin. Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and show what would be applied; write nothing (needs no database)." };
        var command = new Command("apply", "Create or update resources from manifests. Invalid input writes nothing.") { files, dryRun };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var resources = new ManifestReader(stdin, cli.Err).Read(parse.GetValue(files)!);
            if (parse.GetValue(dryRun))
            {
                foreach (var r in resources) cli.Out.WriteLine($"{r.Kind.ToLowerInvariant()}/{r.Metadata.Name} valid (dry run: nothing written)");
                return ExitCodes.Ok;
            }
            var store = await cli.StoreAsync(token);
            await cli.EnsureControllerAsync(token);
            var outcomes = await store.ApplyAsync(resources, token);
            foreach (var o in outcomes)
                cli.Out.WriteLine($"{o.Key.Kind.ToLowerInvariant()}/{o.Key.Name} {Verb(o.Action)}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Verb(ApplyAction action) => action switch
    {
        ApplyAction.Created => "created",
        ApplyAction.Configured => "configured",
        _ => "unchanged",
    };
}
