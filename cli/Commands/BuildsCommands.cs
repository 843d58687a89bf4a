using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast builds ls|rm` and `coast rm-build` (Coasts' verbs): list a project's builds, remove one, or remove
/// all of a project's builds. Removing deletes the Build; its finalizer in the controller removes the images.
/// A build an instance uses is refused here (and kept by the controller until that instance is gone).
/// </summary>
public static class BuildsCommands
{
    public static IEnumerable<Command> Create(CliServices cli) => [Builds(cli), RmBuild(cli)];

    private static Command Builds(CliServices cli)
    {
        var project = CommonOptions.Project();
        var all = new Option<bool>("--all-projects", "-A") { Description = "Builds of every project." };
        var ls = new Command("ls", "List builds: status, whether latest, the instances using each, images, age.") { project, all };
        ls.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var scope = parse.GetValue(all) ? null : ProjectScope.Default(parse.GetValue(project));
            var builds = (await store.ListAsync(Build.KindName, scope, null, token)).Cast<Build>()
                .OrderBy(b => b.Metadata.Namespace, StringComparer.Ordinal).ThenByDescending(b => b.Metadata.CreationTimestamp).ToList();
            if (builds.Count == 0)
            {
                cli.Out.WriteLine("No builds. Run `coast build` in a project directory.");
                return ExitCodes.Ok;
            }
            var instances = (await store.ListAsync(Instance.KindName, scope, null, token)).Cast<Instance>().ToList();
            var latest = builds.Where(b => Conditions.IsTrue(b.Status.Conditions, "Ready")).GroupBy(b => b.Metadata.Namespace)
                .Select(g => g.First().Key).ToHashSet();
            var now = DateTimeOffset.UtcNow;
            TableWriter.Write(cli.Out, ["PROJECT", "BUILD", "STATUS", "LATEST", "IMAGES", "INSTANCES", "AGE"], builds.Select(b => (IReadOnlyList<string>)
            [
                b.Metadata.Namespace, b.Metadata.Name, Status(b), latest.Contains(b.Key) ? "*" : "",
                b.Status.Images.Count.ToString(), Users(b, instances) is { Count: > 0 } u ? string.Join(",", u) : "-",
                Age.Format(b.Metadata.CreationTimestamp, now),
            ]));
            return ExitCodes.Ok;
        }, ct));

        var names = new Argument<string[]>("build") { Description = "Build name(s), as `coast builds ls` shows them.", Arity = ArgumentArity.OneOrMore };
        var rmProject = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var rm = new Command("rm", "Remove builds and their images (refused while an instance uses one).") { names, rmProject, timeout };
        rm.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var p = LocalProject.RequireName(parse.GetValue(rmProject));
            var store = await cli.StoreAsync(token);
            var builds = new List<Build>();
            foreach (var name in parse.GetValue(names)!)
                builds.Add(await store.GetAsync(new ResourceKey(Build.KindName, p, name), token) as Build
                    ?? throw new CliException($"build '{name}' not found in project '{p}'. Run `coast builds ls` to see builds.", ExitCodes.NotFound));
            await RemoveAsync(cli, store, builds, parse.GetValue(timeout), token);
            return ExitCodes.Ok;
        }, ct));
        return new Command("builds", "A project's builds: `builds ls`, `builds rm BUILD`.") { ls, rm };
    }

    private static Command RmBuild(CliServices cli)
    {
        var project = new Argument<string?>("project") { Description = "Project (default: -p, $COAST_PROJECT or ./Coastfile).", Arity = ArgumentArity.ZeroOrOne };
        var flag = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("rm-build", "Remove every build of a project and its images (its instances must be removed first).") { project, flag, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var p = LocalProject.RequireName(parse.GetValue(project) ?? parse.GetValue(flag));
            var store = await cli.StoreAsync(token);
            var instances = await store.ListAsync(Instance.KindName, p, null, token);
            if (instances.Count > 0)
                throw new CliException($"project '{p}' still has instance(s) {string.Join(", ", instances.Select(i => i.Metadata.Name))}; remove them first with `coast rm --all -p {p}`.");
            var builds = (await store.ListAsync(Build.KindName, p, null, token)).Cast<Build>().ToList();
            if (builds.Count == 0)
            {
                cli.Out.WriteLine($"No builds in project '{p}'.");
                return ExitCodes.Ok;
            }
            await RemoveAsync(cli, store, builds, parse.GetValue(timeout), token);
            cli.Out.WriteLine($"Removed {builds.Count} build(s) of project {p}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Refuses builds in use, then deletes them all and waits until the controller has removed their images.</summary>
    private static async Task RemoveAsync(CliServices cli, IResourceStore store, IReadOnlyList<Build> builds, TimeSpan timeout, CancellationToken ct)
    {
        foreach (var build in builds)
            if (await BuildUsers.ListAsync(store, build, ct) is { Count: > 0 } users)
                throw new CliException($"build '{build.Metadata.Name}' is used by instance(s) {string.Join(", ", users)}; remove them first (`coast rm NAME`).");
        await cli.EnsureControllerAsync(ct);
        foreach (var build in builds)
        {
            try { await store.DeleteAsync(build.Key, ct); }
            catch (NotFoundException) { }
        }
        foreach (var build in builds)
        {
            await StatusWaiter.WaitAsync(store, build.Key, r => r is null, timeout, ct);
            cli.Out.WriteLine($"Removed build {build.Metadata.Name}");
        }
    }

    private static string Status(Build b)
    {
        if (b.Metadata.DeletionTimestamp is not null) return "removing";
        var ready = Conditions.Get(b.Status.Conditions, "Ready");
        return ready switch
        {
            { Status: ConditionStatus.True } => "complete",
            { Reason: "Building" } => "building",
            { Status: ConditionStatus.False } => "failed",
            _ => "pending",
        };
    }

    private static List<string> Users(Build b, IEnumerable<Instance> instances) => instances
        .Where(i => i.Metadata.Namespace == b.Metadata.Namespace && (i.Spec.Build == b.Metadata.Name || i.Status.Build == b.Metadata.Name))
        .Select(i => i.Metadata.Name).ToList();
}
