using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;

namespace Coast.Cli.Commands;

/// <summary>`coast ports NAME`: the instance's canonical and dynamic ports.</summary>
public static class PortsCommand
{
    public static Command Create(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var project = CommonOptions.Project();
        var command = new Command("ports", "Show an instance's port allocations (canonical port inside, dynamic port on localhost).") { name, project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var instance = (Instance)await ProjectScope.FindAsync(store, ResourceKinds.Get(Instance.KindName), parse.GetValue(name)!, parse.GetValue(project), token);
            cli.Out.WriteLine($"Port allocations for {instance.Metadata.Name}:");
            WriteTable(cli.Out, instance);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void WriteTable(TextWriter output, Instance instance) =>
        TableWriter.Write(output, ["SERVICE", "CANONICAL", "DYNAMIC"],
            instance.Status.Ports.Select(p => (IReadOnlyList<string>)[p.Name, p.Canonical.ToString(), p.Dynamic.ToString()]));
}
