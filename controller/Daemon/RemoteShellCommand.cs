using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Database;
using Coast.Client.Store;

namespace Coast.Daemon;

/// <summary>
/// `coastd remote exec|logs|ps PROJECT NAME`: the remote half of `coast exec|logs|ps`, which needs SSH. exec and
/// logs write to this process's stdout and stderr (the CLI's own, inherited); ps prints one tab-separated row per
/// service (SERVICE, CONTAINER, STATE, STATUS) for the CLI to lay out.
/// </summary>
public static class RemoteShellCommand
{
    public static async Task<int> RunAsync(DaemonArgs args, CancellationToken ct)
    {
        var verb = args.Word(0, "remote command");
        var key = new ResourceKey(Instance.KindName, args.Word(1, "project"), args.Word(2, "instance name"));
        var connectionString = await DatabaseLocator.ResolveAsync(ct);
        var store = (await SqlStore.OpenAsync(connectionString, DatabaseLocator.Schema,
            token => throw new DaemonException("the store schema is not current; run `coastd schema ensure`"), ct)).Resources;
        var instance = await store.GetAsync(key, ct) as Instance ?? throw new DaemonException($"{key} not found");
        await using var route = await RemoteAgentRoute.OpenAsync(store, instance, ct);
        var (project, name) = (key.Namespace, key.Name);
        switch (verb)
        {
            case "exec":
                return await RemoteAgentRoute.Call(() => route.Agent.ExecAsync(project, name, args.Get("--service"), args.Rest.ToArray(),
                    Console.Out, Console.Error, ct));
            case "logs":
                await RemoteAgentRoute.Call(async () =>
                {
                    await route.Agent.LogsAsync(project, name, args.Get("--service"),
                        args.Get("--tail") is { } t ? int.Parse(t) : null, args.Has("--follow"), Console.Out, ct);
                    return true;
                });
                return 0;
            case "ps":
                foreach (var x in await RemoteAgentRoute.Call(() => route.Agent.PsAsync(project, name, ct)))
                    Console.WriteLine(string.Join('\t', x.Service, x.Container, x.State, x.Status));
                return 0;
            default:
                throw new DaemonUsageException($"unknown remote command '{verb}'");
        }
    }
}
