using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using static Coast.ApiTypes.Kinds.RemoteHostNames;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast remote add|ls|rm|test|setup|status`: RemoteHosts (docs/remote.md). The verbs write desired state (the
/// spec, or an annotation the controller answers in status) and read status; the controller does the SSH.
/// </summary>
public static class RemoteCommands
{
    public static Command Create(CliServices cli) => new("remote", "Machines that run remote instances (RemoteHosts), reached over SSH by the controller.")
    {
        RemoteAddCommand.Create(cli), List(cli), Remove(cli), RemoteProbeCommands.Test(cli), RemoteProbeCommands.Setup(cli), Status(cli),
    };

    internal static Argument<string> NameArgument() => new("name") { Description = "RemoteHost name." };

    private static Command List(CliServices cli)
    {
        var command = new Command("ls", "List remote hosts with their state, Docker engine, agent and instance count.");
        command.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var hosts = (await store.ListAsync(RemoteHost.KindName, null, null, token)).Cast<RemoteHost>().ToList();
            var instances = (await store.ListAsync(Instance.KindName, null, null, token)).Cast<Instance>().ToList();
            TableWriter.Write(cli.Out, ["NAME", "TARGET", "READY", "DOCKER", "AGENT", "INSTANCES"], hosts.Select(h => (IReadOnlyList<string>)
            [
                h.Metadata.Name, RemoteHostEdits.Target(h), Ready(h), h.Status.DockerVersion ?? "-",
                (h.Status.AgentVersion ?? "-") + (h.Spec.Agent == AgentManaged ? " (managed)" : ""),
                instances.Count(i => i.Spec.RemoteHost == h.Metadata.Name).ToString(),
            ]));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>"True", or "False (Reason)", or "-" before the controller reported.</summary>
    internal static string Ready(RemoteHost h) => Conditions.Get(h.Status.Conditions, ConditionTypes.Ready) is { } c
        ? c.Status == ConditionStatus.True ? "True" : $"{c.Status} ({c.Reason})"
        : "-";

    private static Command Remove(CliServices cli)
    {
        var name = NameArgument();
        var force = new Option<bool>("--force") { Description = "Remove it even while instances use it (they fail with HostNotFound until it is added again)." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromSeconds(30));
        var command = new Command("rm", "Remove a remote host (refused while instances use it, unless --force).") { name, force, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var host = await RemoteHostEdits.GetAsync(store, parse.GetValue(name)!, token);
            var users = await RemoteHostEdits.InstancesOnAsync(store, host.Metadata.Name, token);
            var list = string.Join(", ", users.Select(i => $"{i.Metadata.Namespace}/{i.Metadata.Name}"));
            if (users.Count > 0 && !parse.GetValue(force))
                throw new CliException($"RemoteHost '{host.Metadata.Name}' is used by {users.Count} instance(s): {list}. " +
                                       "Remove them first (`coast rm NAME`), or pass --force.", ExitCodes.Conflict);
            if (users.Count > 0) cli.Err.WriteLine($"warning: removing RemoteHost '{host.Metadata.Name}' while {list} use it");
            await store.DeleteAsync(host.Key, token);
            await cli.EnsureControllerAsync(token);
            await StatusWaiter.WaitAsync(store, host.Key, r => r is null, parse.GetValue(timeout), token, _ => "the controller has not closed its connection yet");
            cli.Out.WriteLine($"remotehost/{host.Metadata.Name} deleted");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The instance's DinD usage from the host's last probe (status.container is "HOST:CONTAINER"), or "-".</summary>
    private static string Usage(RemoteHost host, Instance i) =>
        i.Status.Container is { } c && host.Status.Usage.TryGetValue(c[(c.IndexOf(':') + 1)..], out var u) ? u : "-";

    private static Command Status(CliServices cli)
    {
        var name = NameArgument();
        var command = new Command("status", "Show a remote host's state, free resources and the instances it runs.") { name };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var host = await RemoteHostEdits.GetAsync(store, parse.GetValue(name)!, token);
            RemoteProbeCommands.WriteSummary(cli.Out, host);
            var instances = await RemoteHostEdits.InstancesOnAsync(store, host.Metadata.Name, token);
            cli.Out.WriteLine($"instances ({instances.Count}):");
            if (instances.Count > 0)
                TableWriter.Write(cli.Out, ["  PROJECT", "NAME", "STATE", "PHASE", "PORTS (canonical:local:remote)", "USAGE"], instances.Select(i => (IReadOnlyList<string>)
                [
                    "  " + i.Metadata.Namespace, i.Metadata.Name, i.Spec.State, i.Status.Phase ?? "-",
                    string.Join(",", i.Status.Ports.Select(p => $"{p.Canonical}:{p.Dynamic}:{p.RemoteDynamic?.ToString() ?? "-"}")),
                    Usage(host, i),
                ]));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
