using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Controller.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast checkout NAME | --none`: give an instance the project's canonical ports on localhost.</summary>
public static class CheckoutCommand
{
    public static Command Create(CliServices cli)
    {
        var name = new Argument<string?>("name") { Description = "Instance to check out.", Arity = ArgumentArity.ZeroOrOne };
        var none = new Option<bool>("--none") { Description = "Free the canonical ports." };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromSeconds(30));
        var command = new Command("checkout", "Bind the project's canonical ports (e.g. localhost:3000) to an instance, or free them with --none.")
        {
            name, none, project, timeout,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var target = parse.GetValue(name);
            if ((target is null) == !parse.GetValue(none))
                throw new CliException("give an instance name or --none (not both).", ExitCodes.Usage);
            var p = LocalProject.RequireName(parse.GetValue(project));
            var store = await cli.StoreAsync(token);
            if (target is not null && await store.GetAsync(new ResourceKey(Instance.KindName, p, target), token) is null)
                throw new CliException($"Instance '{target}' not found in project '{p}'. Run `coast ls` to see instances.", ExitCodes.NotFound);
            var checkout = new Checkout { Metadata = { Name = p, Namespace = p }, Spec = { Project = p, Instance = target } };
            await store.ApplyAsync([checkout], token);
            await cli.EnsureControllerAsync(token);
            var done = (Checkout)await ProgressWaiter.WaitAsync(store, checkout.Key, "Ready", TextWriter.Null,
                parse.GetValue(timeout), token, new HashSet<string> { "PortInUse", "InstanceNotFound" });
            cli.Out.WriteLine(target is null
                ? $"Released the canonical ports of project {p}"
                : $"Checked out coast instance {target} ({string.Join(", ", done.Status.BoundPorts.Select(b => $"localhost:{b.Canonical}"))})");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
