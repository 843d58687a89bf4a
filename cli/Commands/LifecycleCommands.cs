using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Client.Store;
using Coast.Client.Control;

namespace Coast.Cli.Commands;

/// <summary>`coast stop|start|rm NAME|--all`: change an instance's desired state and wait for it.</summary>
public static class LifecycleCommands
{
    public static IEnumerable<Command> Create(CliServices cli) =>
    [
        Make(cli, "stop", "Stop an instance (its ports and data volume are kept for `coast start`).", InstanceStates.Stopped),
        Make(cli, "start", "Start a stopped instance again, on the same ports where they are still free.", InstanceStates.Running),
        Make(cli, "rm", "Remove an instance: its container, data volume and everything labelled for it.", state: null),
    ];

    /// <summary>One verb; <paramref name="state"/> is the desired state it sets, or null for removal.</summary>
    private static Command Make(CliServices cli, string verb, string description, string? state)
    {
        var name = new Argument<string?>("name") { Description = "Instance name.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = $"{verb} every instance of the project (with -A: of every project)." };
        var everywhere = new Option<bool>("--all-projects", "-A") { Description = "With --all: every project." };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(5));
        var command = new Command(verb, description) { name, all, everywhere, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var wait = parse.GetValue(timeout);
            // One named instance of a known project: the running controller can do it (see ControllerFirst).
            if (state is not null && !parse.GetValue(all) && parse.GetValue(name) is { } single && ProjectScope.Default(parse.GetValue(project)) is { } p)
            {
                var result = await ControllerFirst.RunAsync(new ControlRequest(verb, p, single, wait.TotalSeconds),
                    async () => await InstanceStateService.SetStateAsync(await cli.StoreAsync(token), p, single, state, wait, token, cli.EnsureControllerAsync),
                    token);
                return ControllerFirst.Report(cli, result);
            }

            var store = await cli.StoreAsync(token);
            List<Instance> targets;
            if (parse.GetValue(all))
            {
                var scope = parse.GetValue(everywhere) ? null : LocalProject.RequireName(parse.GetValue(project));
                targets = (await store.ListAsync(Instance.KindName, scope, null, token)).Cast<Instance>().ToList();
            }
            else if (parse.GetValue(name) is { } n)
                targets = [(Instance)await ProjectScope.FindAsync(store, ResourceKinds.Get(Instance.KindName), n, parse.GetValue(project), token)];
            else throw new CliException($"give an instance name or --all. Run `coast ls` to see instances.", ExitCodes.Usage);

            await cli.EnsureControllerAsync(token);
            foreach (var instance in targets)
            {
                if (state is null) cli.Out.WriteLine(await RemoveAsync(store, instance, wait, token));
                else ControllerFirst.Report(cli, await InstanceStateService.SetStateAsync(store, instance.Metadata.Namespace, instance.Metadata.Name, state, wait, token));
            }
            if (targets.Count == 0) cli.Out.WriteLine("No coast instances.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<string> RemoveAsync(IResourceStore store, Instance instance, TimeSpan timeout, CancellationToken ct)
    {
        try { await store.DeleteAsync(instance.Key, ct); }
        catch (NotFoundException) { }
        await StatusWaiter.WaitAsync(store, instance.Key, r => r is null, timeout, ct);
        return $"Removed coast instance {instance.Metadata.Name}";
    }
}
