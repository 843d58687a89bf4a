using Coast.ApiTypes.Model;
using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast run NAME [-w WORKTREE] [--remote HOST]`: creates an Instance and waits until every port answers.</summary>
public static class RunCommand
{
    public static Command Create(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name (lowercase letters, digits, '-')." };
        var worktree = new Option<string?>("--worktree", "-w") { Description = "Worktree to mount at /workspace (a name under the worktree dir, or a path in the project)." };
        var remote = new Option<string?>("--remote") { Description = "Run the instance on this remote host (a RemoteHost; its agent runs the DinD)." };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(10));
        var command = new Command("run", "Create and start an instance of the project, then print its ports.") { name, worktree, remote, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var p = LocalProject.RequireName(parse.GetValue(project));
            var instance = LocalProject.NewInstance(p, parse.GetValue(name)!, parse.GetValue(worktree), parse.GetValue(remote));
            var problems = Coast.ApiTypes.Validation.ResourceValidator.Validate(instance);
            if (problems.Count > 0) throw new CliException(string.Join("; ", problems));
            var store = await cli.StoreAsync(token);
            if (await store.GetAsync(new Coast.ApiTypes.Model.ResourceKey(Project.KindName, p, p), token) is not Project stored
                || (await store.ListAsync(Build.KindName, p, null, token)).Count == 0)
                throw new CliException($"project '{p}' has no build yet. Run `coast build` in its directory first.");
            await LocalProject.RequireNotDeletingAsync(store, p, token);
            if (instance.Spec.RemoteHost is { } host
                && await store.GetAsync(new Coast.ApiTypes.Model.ResourceKey(RemoteHost.KindName, "", host), token) is null)
                throw new CliException($"remote host '{host}' not found. Add it with `coast remote add {host} user@host`.");
            Coast.ApiTypes.Model.Owners.Set(instance, stored);
            if (InstanceLayout.WorktreePath(instance, stored) is { } wt
                && !Directory.Exists(Path.Combine(stored.Spec.RootDir, wt)))
                throw new CliException($"worktree '{instance.Spec.Worktree}' not found at {Path.Combine(stored.Spec.RootDir, wt)}. Create it with `git worktree add {wt}`.");
            try { await store.CreateAsync(instance, token); }
            catch (AlreadyExistsException)
            {
                throw new CliException($"instance '{instance.Metadata.Name}' already exists in project '{p}'. Use `coast start {instance.Metadata.Name}`, or `coast rm` it first.");
            }
            await cli.EnsureControllerAsync(token);
            cli.Out.WriteLine($"Starting coast instance {instance.Metadata.Name}...");
            var ready = (Instance)await ProgressWaiter.WaitAsync(store, instance.Key, "Ready", cli.Out, parse.GetValue(timeout), token, InstanceReasons.StartFailures);
            cli.Out.WriteLine($"Created coast instance {ready.Metadata.Name}");
            PortsCommand.WriteTable(cli.Out, ready);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
