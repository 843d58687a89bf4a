using System.CommandLine;
using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Assign;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast assign NAME -w WORKTREE` and `coast unassign NAME`: switch an instance's /workspace to another worktree (or
/// back to the project root) without recreating it. The CLI resolves the worktree (creating it for a branch that has
/// none), copies the git-ignored files it lacks, writes spec.worktree and waits for the controller, which switches
/// the mount and carries out each service's [assign] action (for a remote instance: rsyncs the worktree to the host,
/// and the host's agent carries them out). `--explain` prints those actions and changes nothing.
/// </summary>
public static class AssignCommands
{
    public static IEnumerable<Command> Create(CliServices cli) => [Make(cli, assign: true), Make(cli, assign: false)];

    private static Command Make(CliServices cli, bool assign)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var worktree = new Option<string>("--worktree", "-w")
        {
            Description = "Worktree to mount at /workspace: its name under the worktree dir, its branch, or its absolute path.", Required = true,
        };
        var explain = new Option<bool>("--explain") { Description = "Print what each service would do and why; change nothing." };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(5));
        var command = assign
            ? new Command("assign", "Switch an instance's /workspace to a git worktree of the project (kept running; services act per [assign]).") { name, worktree, explain, project, timeout }
            : new Command("unassign", "Switch an instance's /workspace back to the project root (services act per [assign]).") { name, explain, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var instance = (Instance)await ProjectScope.FindAsync(store, ResourceKinds.Get(Instance.KindName), parse.GetValue(name)!, parse.GetValue(project), token);
            var p = instance.Metadata.Namespace;
            var stored = await store.GetAsync(new ResourceKey(Project.KindName, p, p), token) as Project
                ?? throw new CliException($"project '{p}' not found. Run `coast build` in its directory first.", ExitCodes.NotFound);
            var target = assign ? await WorktreeResolver.ResolveAsync(stored, parse.GetValue(worktree)!, token) : null;
            var to = target?.RelativePath;
            var from = instance.Status.Worktree ?? InstanceLayout.WorktreePath(instance, stored);
            var toDir = target?.Directory ?? stored.Spec.RootDir;
            var copies = target is { Create: false } ? await IgnoredFileCopy.PlanAsync(stored, toDir, token) : [];
            var steps = await PlanAsync(stored, from, toDir, target?.Create == true, token);

            if (parse.GetValue(explain))
            {
                Explain(cli.Out, instance, stored, from, to, target, copies, steps);
                return ExitCodes.Ok;
            }
            if (InstanceLayout.WorktreePath(instance, stored) == to && from == to)
            {
                cli.Out.WriteLine($"Coast instance {instance.Metadata.Name} already uses {Describe(to)}");
                return ExitCodes.Ok;
            }
            if (target is { Create: true })
            {
                await WorktreeResolver.CreateAsync(stored.Spec.RootDir, target, token);
                cli.Out.WriteLine($"Created worktree {to} for branch {target.Branch}");
                copies = await IgnoredFileCopy.PlanAsync(stored, toDir, token);
            }
            IgnoredFileCopy.Copy(stored, toDir, copies);
            if (copies.Count > 0) cli.Out.WriteLine($"Copied git-ignored files into {to}: {string.Join(", ", copies)}");
            var written = await WriteWorktreeAsync(store, instance.Key, to, token);
            await cli.EnsureControllerAsync(token);
            if (written.Spec.State != InstanceStates.Running)
            {
                cli.Out.WriteLine($"Assigned {Describe(to)} to coast instance {written.Metadata.Name} (stopped: it switches at `coast start`)");
                return ExitCodes.Ok;
            }
            await ProgressWaiter.WaitAsync(store, written.Key, ConditionTypes.Ready, cli.Out, parse.GetValue(timeout), token, InstanceReasons.StartFailures);
            cli.Out.WriteLine(assign ? $"Assigned {Describe(to)} to coast instance {written.Metadata.Name}" : $"Unassigned coast instance {written.Metadata.Name} (back on the project root)");
            foreach (var s in steps) cli.Out.WriteLine($"  {s.Service}: {s.Action}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Describe(string? worktree) => worktree is null ? "the project root" : $"worktree {worktree}";

    private static async Task<IReadOnlyList<AssignServiceStep>> PlanAsync(Project project, string? from, string toDir, bool toIsNew, CancellationToken ct)
    {
        var compose = project.Spec.Compose is { } c ? await File.ReadAllTextAsync(Path.Combine(project.Spec.RootDir, c), ct) : null;
        var fromDir = WorktreeDiff.Dir(project.Spec.RootDir, from);
        // A worktree not made yet will hold its branch's files; comparing against nothing would call every trigger changed.
        return AssignPlan.For(project.Spec.Assign, AssignServices.Names(project, compose), f => !toIsNew && WorktreeDiff.Differs(fromDir, toDir, f));
    }

    private static void Explain(TextWriter output, Instance instance, Project project, string? from, string? to, ResolvedWorktree? target,
        IReadOnlyList<string> copies, IReadOnlyList<AssignServiceStep> steps)
    {
        output.WriteLine($"coast instance {instance.Metadata.Name}: /workspace from {Describe(from)} to {Describe(to)} (the container is kept)");
        if (target is { Create: true }) output.WriteLine($"  would create worktree {to} for branch {target.Branch} (`git worktree add`)");
        if (copies.Count > 0) output.WriteLine($"  would copy git-ignored files into it: {string.Join(", ", copies)}");
        if (instance.Spec.RemoteHost is { } host)
            output.WriteLine($"  would rsync it to the instance's workspace on remote host {host} (only what differs; protected generated paths are kept)");
        if (project.Spec.PrivatePaths.Count > 0) output.WriteLine($"  private paths emptied: {string.Join(", ", project.Spec.PrivatePaths)}");
        if (steps.Count == 0) output.WriteLine("  no services");
        else TableWriter.Write(output, ["SERVICE", "ACTION", "WHY"], steps.Select(s => (IReadOnlyList<string>)[s.Service, s.Action, s.Why]));
    }

    private static async Task<Instance> WriteWorktreeAsync(IResourceStore store, ResourceKey key, string? worktree, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(key, ct) as Instance ?? throw new CliException($"instance '{key.Name}' was deleted meanwhile.", ExitCodes.NotFound);
            current.Spec.Worktree = worktree;
            try { return (Instance)await store.UpdateAsync(current, ct); }
            catch (ConflictException) when (attempt < 5) { }
        }
    }
}
