using System.CommandLine;
using Coast.Cli.Infrastructure;
using Coast.Client.Control;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast checkout NAME | --none`: give an instance the project's canonical ports on localhost. The running
/// controller carries it out when it answers on its control socket (the fast path); otherwise the CLI writes
/// the Checkout itself and starts a controller if none runs.
/// </summary>
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
            var wait = parse.GetValue(timeout);
            var result = await ControllerFirst.RunAsync(new ControlRequest("checkout", p, target, wait.TotalSeconds),
                async () => await CheckoutService.CheckoutAsync(await cli.StoreAsync(token), p, target, wait, token, cli.EnsureControllerAsync), token);
            return ControllerFirst.Report(cli, result);
        }, ct));
        return command;
    }
}
