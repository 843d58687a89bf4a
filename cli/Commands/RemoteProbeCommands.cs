using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using static Coast.ApiTypes.Kinds.RemoteHostNames;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast remote test` (probe now) and `coast remote setup` (install and start the agent): each sets its annotation
/// to a timestamp, waits until the controller answers that timestamp in status, and prints what it found.
/// </summary>
public static class RemoteProbeCommands
{
    public static Command Test(CliServices cli)
    {
        var name = RemoteCommands.NameArgument();
        var timeout = CommonOptions.Timeout(TimeSpan.FromSeconds(90));
        var command = new Command("test", "Probe a remote host now: reachability, Docker engine, agent, free CPU/memory/disk, reverse binds (exit 1 when not connected).")
            { name, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var requested = RemoteHostEdits.Timestamp();
            var host = await RemoteHostEdits.UpdateAsync(store, parse.GetValue(name)!, h => h.Metadata.Annotations[ProbeRequestedAnnotation] = requested, token);
            await cli.EnsureControllerAsync(token);
            var answered = (RemoteHost)(await StatusWaiter.WaitAsync(store, host.Key, r => r is RemoteHost h && h.Status.LastHandledProbeAt == requested,
                parse.GetValue(timeout), token, r => RemoteHostEdits.Describe(Conditions.Get(r?.StatusObject.Conditions ?? [], ConditionTypes.Ready))))!;
            WriteSummary(cli.Out, answered);
            if (!answered.Status.Reachable)
                throw new CliException($"remotehost/{answered.Metadata.Name} is not connected: {RemoteHostEdits.Describe(Conditions.Get(answered.Status.Conditions, ConditionTypes.Ready))}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command Setup(CliServices cli)
    {
        var name = RemoteCommands.NameArgument();
        var dir = new Option<string?>("--agent-dir") { Description = "Where to install the agent on the host (relative to the login's home; default .coast/agent)." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(10));
        var command = new Command("setup", "Install and start the remote agent on a host (self-contained linux-x64, no .NET needed there); a no-op when that build already runs.")
            { name, dir, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var requested = RemoteHostEdits.Timestamp();
            var host = await RemoteHostEdits.UpdateAsync(store, parse.GetValue(name)!, h =>
            {
                h.Spec.Agent = AgentManaged;
                if (parse.GetValue(dir) is { } d) h.Spec.AgentDir = d;
                h.Metadata.Annotations[SetupRequestedAnnotation] = requested;
            }, token);
            await cli.EnsureControllerAsync(token);
            cli.Err.WriteLine($"setting up the agent on {RemoteHostEdits.Target(host)} (the controller connects and installs it)");
            string? last = null;
            var answered = (RemoteHost)(await StatusWaiter.WaitAsync(store, host.Key, r =>
            {
                if (r is not RemoteHost h) return false;
                if (Conditions.Get(h.Status.Conditions, AgentReady) is { Reason: "AgentInstalling" } step && step.Message != last)
                    cli.Err.WriteLine($"  {last = step.Message}");
                return h.Status.LastHandledSetupAt == requested;
            }, parse.GetValue(timeout), token, r => RemoteHostEdits.Describe(Conditions.Get(r?.StatusObject.Conditions ?? [], AgentReady))))!;
            var ready = Conditions.Get(answered.Status.Conditions, ConditionTypes.Ready);
            if (!answered.Status.Reachable)
                throw new CliException($"remotehost/{answered.Metadata.Name} is not connected: {RemoteHostEdits.Describe(ready)}");
            var agent = Conditions.Get(answered.Status.Conditions, AgentReady);
            if (agent?.Status != ConditionStatus.True) throw new CliException($"remotehost/{answered.Metadata.Name}: {RemoteHostEdits.Describe(agent)}");
            cli.Out.WriteLine($"remotehost/{answered.Metadata.Name}: {agent.Message}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The host as its status says, one field a line (what `remote test` and `remote status` print first).</summary>
    public static void WriteSummary(TextWriter o, RemoteHost h)
    {
        var ready = Conditions.Get(h.Status.Conditions, ConditionTypes.Ready);
        var agent = Conditions.Get(h.Status.Conditions, AgentReady);
        var binds = Conditions.Get(h.Status.Conditions, RemoteHostNames.ReverseBinds);
        o.WriteLine($"remotehost/{h.Metadata.Name}   {RemoteHostEdits.Target(h)}");
        o.WriteLine($"  reachable:      {(h.Status.Reachable ? "yes" : "no")}");
        o.WriteLine($"  ready:          {RemoteCommands.Ready(h)}{(ready is null ? "" : $" {ready.Message}")}");
        o.WriteLine($"  host key:       {h.Spec.HostKey ?? $"not pinned (offered {h.Status.OfferedHostKey ?? "?"})"}");
        o.WriteLine($"  docker:         {h.Status.DockerVersion ?? "-"}");
        o.WriteLine($"  agent:          {h.Status.AgentVersion ?? "not running"} ({h.Spec.Agent}{(h.Status.AgentPid is { } pid ? $", build {h.Status.AgentBuild}, pid {pid}" : "")}; {RemoteHostEdits.Describe(agent)})");
        o.WriteLine($"  free:           {h.Status.Capacity ?? "-"}");
        o.WriteLine($"  reverse binds:  {(binds is null ? "-" : h.Status.ReverseBinds ? "yes, on all addresses (GatewayPorts)" : $"loopback only ({binds.Message})")}");
    }
}
