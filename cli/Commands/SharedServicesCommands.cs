using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast shared-services ps|start|stop|restart|rm [--force] [--volumes]`: a project's SharedServices. Each verb
/// writes desired state (spec.stopped, the restart annotation, a deletion) and waits for the controller's status;
/// `rm` refuses while instances of the project exist unless --force, and keeps the data volumes unless --volumes.
/// </summary>
public static class SharedServicesCommands
{
    public static Command Create(CliServices cli) => new("shared-services", "The project's shared services (one container per project on the host engine).")
    {
        List(cli),
        SetStopped(cli, "start", stopped: false, "Start shared services (all, or the named ones)."),
        SetStopped(cli, "stop", stopped: true, "Stop shared services; their volumes and data are kept."),
        Restart(cli),
        Remove(cli),
    };

    private static Argument<string[]> Names() => new("service") { Description = "Shared service names (default: all of the project).", Arity = ArgumentArity.ZeroOrMore };

    private static Command List(CliServices cli)
    {
        var project = CommonOptions.Project();
        var command = new Command("ps", "List shared services: container, status, host ports, instances using them.") { project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var p = Scope(parse.GetValue(project));
            var services = (await store.ListAsync(SharedService.KindName, p, null, token)).Cast<SharedService>().ToList();
            if (services.Count == 0)
            {
                cli.Out.WriteLine($"No shared services in project '{p}'");
                return ExitCodes.Ok;
            }
            TableWriter.Write(cli.Out, ["SERVICE", "CONTAINER", "STATUS", "PORTS", "CONSUMERS", "MESSAGE"], services.Select(s => (IReadOnlyList<string>)
            [
                s.Spec.Service, s.Status.Container ?? "-", StatusWord(s), s.Spec.Ports.Count == 0 ? "-" : string.Join(",", s.Spec.Ports),
                $"{s.Status.Consumers.Count}{(s.Status.Consumers.Count > 0 ? $" ({string.Join(",", s.Status.Consumers)})" : "")}",
                Conditions.Get(s.Status.Conditions, ConditionTypes.Ready)?.Message ?? "",
            ]));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetStopped(CliServices cli, string verb, bool stopped, string description)
    {
        var names = Names();
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command(verb, description) { names, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            foreach (var s in await SelectAsync(store, Scope(parse.GetValue(project)), parse.GetValue(names)!, token))
            {
                var written = await UpdateAsync(store, s.Key, x => x.Spec.Stopped = stopped, token);
                await cli.EnsureControllerAsync(token);
                await WaitAsync(store, written, r => stopped ? r.Status.Phase == "Stopped" : IsReady(r), parse.GetValue(timeout), token);
                cli.Out.WriteLine($"{(stopped ? "Stopped" : "Started")} shared service {s.Spec.Service}");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Restart(CliServices cli)
    {
        var names = Names();
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("restart", "Restart shared services (data kept).") { names, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var requested = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            foreach (var s in await SelectAsync(store, Scope(parse.GetValue(project)), parse.GetValue(names)!, token))
            {
                var written = await UpdateAsync(store, s.Key, x => { x.Spec.Stopped = false; x.Metadata.Annotations[SharedService.RestartAnnotation] = requested; }, token);
                await cli.EnsureControllerAsync(token);
                await WaitAsync(store, written, r => r.Status.Restarted == requested && IsReady(r), parse.GetValue(timeout), token);
                cli.Out.WriteLine($"Restarted shared service {s.Spec.Service}");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Remove(CliServices cli)
    {
        var names = Names();
        var project = CommonOptions.Project();
        var force = new Option<bool>("--force") { Description = "Remove even while instances of the project use it (they lose it until their next start)." };
        var volumes = new Option<bool>("--volumes") { Description = "Also remove its named volumes (the data). Kept by default." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("rm", "Remove shared services; refuses while instances use them unless --force; data volumes kept unless --volumes.")
            { names, project, force, volumes, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var p = Scope(parse.GetValue(project));
            var selected = await SelectAsync(store, p, parse.GetValue(names)!, token);
            // Counted from the instances themselves, not the status, which may lag a just-created instance.
            var users = (await store.ListAsync(Instance.KindName, p, null, token))
                .Where(i => i.Metadata.DeletionTimestamp is null).Select(i => i.Metadata.Name).Order(StringComparer.Ordinal).ToList();
            if (users.Count > 0 && !parse.GetValue(force))
                throw new CliException($"shared service{(selected.Count > 1 ? "s" : "")} {string.Join(", ", selected.Select(s => $"'{s.Spec.Service}'"))} in use by " +
                                       $"{string.Join(", ", users)}; remove those instances first (`coast rm NAME`) or pass --force", ExitCodes.Error);
            foreach (var s in selected)
            {
                if (parse.GetValue(volumes)) await UpdateAsync(store, s.Key, x => x.Metadata.Annotations[SharedService.RemoveVolumesAnnotation] = "true", token);
                try { await store.DeleteAsync(s.Key, token); }
                catch (NotFoundException) { }
                await cli.EnsureControllerAsync(token);
                await StatusWaiter.WaitAsync(store, s.Key, r => r is null, parse.GetValue(timeout), token);
                cli.Out.WriteLine($"Removed shared service {s.Spec.Service}{(parse.GetValue(volumes) ? " and its volumes" : " (volumes kept)")}");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Scope(string? project) => ProjectScope.Default(project)
        ?? throw new CliException("no project: run in a directory with a Coastfile, set $COAST_PROJECT, or pass -p PROJECT", ExitCodes.Usage);

    private static async Task<List<SharedService>> SelectAsync(IResourceStore store, string project, string[] names, CancellationToken ct)
    {
        var all = (await store.ListAsync(SharedService.KindName, project, null, ct)).Cast<SharedService>().ToList();
        if (names.Length == 0)
            return all.Count > 0 ? all : throw new CliException($"no shared services in project '{project}'; they appear when an instance of it runs (`coast run NAME`)", ExitCodes.NotFound);
        return names.Select(n => all.FirstOrDefault(s => s.Spec.Service == n || s.Metadata.Name == n)
            ?? throw new CliException($"shared service '{n}' not found in project '{project}'. Run `coast shared-services ps` to see them.", ExitCodes.NotFound)).ToList();
    }

    private static bool IsReady(SharedService s) =>
        s.Status.ObservedGeneration == s.Metadata.Generation && Conditions.IsTrue(s.Status.Conditions, ConditionTypes.Ready);

    private static string StatusWord(SharedService s) => s.Spec.Stopped ? "stopped"
        : IsReady(s) ? "running"
        : Conditions.Get(s.Status.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.False } r && SharedServiceReasons.Failures.Contains(r.Reason) ? "error"
        : "starting";

    /// <summary>Waits for the predicate; a failure reason on the way ends the wait with the controller's message.</summary>
    private static async Task WaitAsync(IResourceStore store, SharedService written, Func<SharedService, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var last = (SharedService?)await StatusWaiter.WaitAsync(store, written.Key, r => r is SharedService s
            && (done(s) || (s.Status.ObservedGeneration == s.Metadata.Generation && Conditions.Get(s.Status.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.False } f
                && SharedServiceReasons.Failures.Contains(f.Reason))), timeout, ct);
        if (last is not null && !done(last))
            throw new CliException($"shared service '{last.Spec.Service}': {Conditions.Get(last.Status.Conditions, ConditionTypes.Ready)?.Message}", ExitCodes.Error);
    }

    /// <summary>Read, change, write; a conflict with the controller's status write is retried.</summary>
    private static async Task<SharedService> UpdateAsync(IResourceStore store, ResourceKey key, Action<SharedService> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await store.GetAsync(key, ct) is not SharedService s)
                throw new CliException($"shared service '{key.Name}' not found in project '{key.Namespace}'", ExitCodes.NotFound);
            change(s);
            try { return (SharedService)await store.UpdateAsync(s, ct); }
            catch (ConflictException) when (attempt < 10) { }
        }
    }
}
