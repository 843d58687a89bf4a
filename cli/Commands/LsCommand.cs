using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;

namespace Coast.Cli.Commands;

/// <summary>`coast ls`: every instance with its status word (running, stopped, checked_out, starting, pending, error), why it is not running, and where it runs (local or its remote host).</summary>
public static class LsCommand
{
    public static Command Create(CliServices cli)
    {
        var project = CommonOptions.Project();
        var all = new Option<bool>("--all-projects", "-A") { Description = "Instances of every project." };
        var command = new Command("ls", "List instances with their status: running, stopped, checked_out, starting, pending (with the reason), error.") { project, all };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var scope = parse.GetValue(all) ? null : ProjectScope.Default(parse.GetValue(project));
            var instances = (await store.ListAsync(Instance.KindName, scope, null, token)).Cast<Instance>().ToList();
            var checkouts = (await store.ListAsync(Checkout.KindName, scope, null, token)).Cast<Checkout>()
                .Where(c => Conditions.IsTrue(c.Status.Conditions, "Ready") && c.Spec.Instance is not null)
                .ToDictionary(c => c.Metadata.Namespace, c => c.Spec.Instance!);
            if (instances.Count == 0)
            {
                cli.Out.WriteLine("No coast instances. Create one with `coast run NAME`.");
                return ExitCodes.Ok;
            }
            var now = DateTimeOffset.UtcNow;
            TableWriter.Write(cli.Out, ["NAME", "PROJECT", "STATUS", "WORKTREE", "PORTS", "AGE", "REASON", "HOST"], instances.Select(i => (IReadOnlyList<string>)
            [
                i.Metadata.Name, i.Metadata.Namespace, StatusWord(i, checkouts), i.Spec.Worktree ?? "-",
                string.Join(",", i.Status.Ports.Select(p => $"{p.Canonical}->{p.Dynamic}")), Age.Format(i.Metadata.CreationTimestamp, now),
                Reason(i), i.Spec.RemoteHost ?? "local",
            ]));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static string StatusWord(Instance i, IReadOnlyDictionary<string, string> checkouts)
    {
        if (i.Metadata.DeletionTimestamp is not null) return "removing";
        if (i.Spec.State == InstanceStates.Stopped) return i.Status.Phase == "Stopped" ? "stopped" : "stopping";
        var ready = Conditions.Get(i.Status.Conditions, "Ready");
        if (ready?.Status == ConditionStatus.True)
            return checkouts.TryGetValue(i.Metadata.Namespace, out var held) && held == i.Metadata.Name ? "checked_out" : "running";
        if (ready?.Reason == InstanceReasons.WaitingForBuild) return "pending";
        return ready?.Reason is { } reason && InstanceReasons.Errors.Contains(reason) ? "error" : "starting";
    }

    /// <summary>Why an instance is not running (the Ready condition's message), or "-" when it is or should not be.</summary>
    public static string Reason(Instance i)
    {
        var ready = Conditions.Get(i.Status.Conditions, "Ready");
        return ready is null || ready.Status == ConditionStatus.True || i.Spec.State == InstanceStates.Stopped ? "-" : ready.Message;
    }
}
