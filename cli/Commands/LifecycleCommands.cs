using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Controller.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast stop|start|rm NAME|--all`: change an instance's desired state and wait for it.</summary>
public static class LifecycleCommands
{
    public static IEnumerable<Command> Create(CliServices cli) =>
    [
        Make(cli, "stop", "Stop an instance (its ports and data volume are kept for `coast start`).", Stop),
        Make(cli, "start", "Start a stopped instance again, on the same ports where they are still free.", Start),
        Make(cli, "rm", "Remove an instance: its container, data volume and everything labelled for it.", Remove),
    ];

    private delegate Task<string> Action(IResourceStore store, Instance instance, TimeSpan timeout, CancellationToken ct);

    private static Command Make(CliServices cli, string verb, string description, Action action)
    {
        var name = new Argument<string?>("name") { Description = "Instance name.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = $"{verb} every instance of the project (with -A: of every project)." };
        var everywhere = new Option<bool>("--all-projects", "-A") { Description = "With --all: every project." };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(5));
        var command = new Command(verb, description) { name, all, everywhere, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
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
                cli.Out.WriteLine(await action(store, instance, parse.GetValue(timeout), token));
            if (targets.Count == 0) cli.Out.WriteLine("No instances.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<string> Stop(IResourceStore store, Instance instance, TimeSpan timeout, CancellationToken ct)
    {
        await SetStateAsync(store, instance.Key, InstanceStates.Stopped, ct);
        await ProgressWaiter.WaitAsync(store, instance.Key, "Stopped", TextWriter.Null, timeout, ct);
        return $"Stopped coast instance {instance.Metadata.Name}";
    }

    private static async Task<string> Start(IResourceStore store, Instance instance, TimeSpan timeout, CancellationToken ct)
    {
        await SetStateAsync(store, instance.Key, InstanceStates.Running, ct);
        await ProgressWaiter.WaitAsync(store, instance.Key, "Ready", TextWriter.Null, timeout, ct, RunCommand.Failures);
        return $"Started coast instance {instance.Metadata.Name}";
    }

    private static async Task<string> Remove(IResourceStore store, Instance instance, TimeSpan timeout, CancellationToken ct)
    {
        try { await store.DeleteAsync(instance.Key, ct); }
        catch (NotFoundException) { }
        await StatusWaiter.WaitAsync(store, instance.Key, r => r is null, timeout, ct);
        return $"Removed coast instance {instance.Metadata.Name}";
    }

    private static async Task SetStateAsync(IResourceStore store, ResourceKey key, string state, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = (Instance?)await store.GetAsync(key, ct) ?? throw new NotFoundException(key);
            if (current.Spec.State == state) return;
            current.Spec.State = state;
            try
            {
                await store.UpdateAsync(current, ct);
                return;
            }
            catch (ConflictException) when (attempt < 5)
            {
            }
        }
    }
}
