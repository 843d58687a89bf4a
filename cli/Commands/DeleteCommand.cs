using System.CommandLine;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>`coast delete KIND NAME [--wait]`: requests deletion; finalizers run in the controller.</summary>
public static class DeleteCommand
{
    public static Command Create(CliServices cli)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string>("name") { Description = "Resource name." };
        var project = CommonOptions.Project();
        var wait = new Option<bool>("--wait") { Description = "Wait until the controller has finished cleaning up and the resource is gone." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("delete", "Delete a resource. Owned outside things (containers, volumes) are cleaned up by the controller.")
        {
            kind, name, project, wait, timeout,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var info = CommonOptions.ResolveKind(parse.GetValue(kind)!);
            var store = await cli.StoreAsync(token);
            var resource = await ProjectScope.FindAsync(store, info, parse.GetValue(name)!, parse.GetValue(project), token);
            var gone = await store.DeleteAsync(resource.Key, token);
            var label = $"{info.Kind.ToLowerInvariant()}/{resource.Metadata.Name}";
            if (gone || !parse.GetValue(wait))
            {
                cli.Out.WriteLine(gone ? $"{label} deleted" : $"{label} deletion requested (finalizers: {string.Join(", ", resource.Metadata.Finalizers)})");
                return ExitCodes.Ok;
            }
            await cli.EnsureControllerAsync(token);
            cli.Out.WriteLine($"{label} deletion requested; waiting for the controller to clean up...");
            await StatusWaiter.WaitAsync(store, resource.Key, r => r is null, parse.GetValue(timeout), token);
            cli.Out.WriteLine($"{label} deleted");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
