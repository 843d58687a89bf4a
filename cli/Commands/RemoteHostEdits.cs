using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>Reads and writes RemoteHosts for the `coast remote` verbs: read, change, write, a conflict with the controller's status write retried.</summary>
public static class RemoteHostEdits
{
    public static ResourceKey KeyOf(string name) => new(RemoteHost.KindName, "", name);

    public static async Task<RemoteHost> GetAsync(IResourceStore store, string name, CancellationToken ct) =>
        await store.GetAsync(KeyOf(name), ct) as RemoteHost
        ?? throw new CliException($"RemoteHost '{name}' not found. Run `coast remote ls` to see them, or `coast remote add {name} user@host` to add it.", ExitCodes.NotFound);

    public static async Task<RemoteHost> UpdateAsync(IResourceStore store, string name, Action<RemoteHost> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var host = await GetAsync(store, name, ct);
            change(host);
            try { return (RemoteHost)await store.UpdateAsync(host, ct); }
            catch (ConflictException) when (attempt < 10) { }
        }
    }

    /// <summary>The instances (any project) whose spec.remoteHost names the host.</summary>
    public static async Task<IReadOnlyList<Instance>> InstancesOnAsync(IResourceStore store, string name, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, null, null, ct)).Cast<Instance>().Where(i => i.Spec.RemoteHost == name).ToList();

    public static string Target(RemoteHost h) => $"{h.Spec.User}@{(h.Spec.Host.Contains(':') ? $"[{h.Spec.Host}]" : h.Spec.Host)}:{h.Spec.Port}";

    public static string Timestamp() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");

    public static string Describe(Condition? c) => c is null ? "not reported yet" : $"{c.Reason}: {c.Message}";
}
