using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast restart-services NAME [--service S]...`: (re)start an instance's bare services ([services]), autostart or not,
/// through the annotation coast.dev/restart-services ("TOKEN" or "TOKEN:a,b"), and wait until the controller reports
/// that value in status.servicesRestarted.
/// </summary>
public static class RestartServicesCommand
{
    public static Command Create(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var service = new Option<string[]>("--service", "-s") { Description = "A bare service to restart (repeatable); all of them when absent.", AllowMultipleArgumentsPerToken = true };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("restart-services", "Restart an instance's bare services ([services] of the Coastfile), or the named ones.") { name, service, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var instance = (Instance)await ProjectScope.FindAsync(store, ResourceKinds.Get(Instance.KindName), parse.GetValue(name)!, parse.GetValue(project), token);
            var p = instance.Metadata.Namespace;
            var stored = await store.GetAsync(new ResourceKey(Project.KindName, p, p), token) as Project
                ?? throw new CliException($"project '{p}' not found. Run `coast build` in its directory first.", ExitCodes.NotFound);
            var wanted = (parse.GetValue(service) ?? []).Distinct().ToList();
            if (stored.Spec.Services.Count == 0) throw new CliException($"project '{p}' has no bare services ([services] in its Coastfile).");
            foreach (var s in wanted.Where(s => !stored.Spec.Services.ContainsKey(s)))
                throw new CliException($"no bare service '{s}' in project '{p}'; its bare services: {string.Join(", ", stored.Spec.Services.Keys.Order())}.", ExitCodes.NotFound);
            if (instance.Spec.State != InstanceStates.Running) throw new CliException($"instance '{instance.Metadata.Name}' is stopped; `coast start {instance.Metadata.Name}` first.");
            var value = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}{(wanted.Count == 0 ? "" : ":" + string.Join(',', wanted))}";
            for (var attempt = 0; ; attempt++)
            {
                var current = (Instance)(await store.GetAsync(instance.Key, token) ?? throw new CliException($"instance '{instance.Metadata.Name}' was deleted meanwhile.", ExitCodes.NotFound));
                current.Metadata.Annotations[Instance.RestartServicesAnnotation] = value;
                try { await store.UpdateAsync(current, token); break; }
                catch (ConflictException) when (attempt < 5) { }
            }
            await cli.EnsureControllerAsync(token);
            var done = (Instance)(await StatusWaiter.WaitAsync(store, instance.Key, r => r is null || ((Instance)r).Status.ServicesRestarted == value, parse.GetValue(timeout), token,
                r => (r as Instance)?.Status.Phase ?? "gone") ?? throw new CliException($"instance '{instance.Metadata.Name}' was deleted meanwhile.", ExitCodes.NotFound));
            var names = wanted.Count == 0 ? stored.Spec.Services.Keys.Order().ToList() : wanted;
            foreach (var s in done.Status.Services.Where(s => names.Contains(s.Name)))
                cli.Out.WriteLine($"Restarted service {s.Name} of coast instance {done.Metadata.Name} ({s.State})");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
