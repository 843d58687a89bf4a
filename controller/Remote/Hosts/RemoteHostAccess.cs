using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Hosts;

/// <summary>
/// How the kinds that use a RemoteHost (Tunnel, SyncSession) reach it: its stored spec and its one shared
/// connection, the failures turned into reconcile outcomes with the condition reasons those kinds report.
/// A missing host, a missing pin, a changed host key or a refused login wait for a change (the RemoteHost
/// watch wakes them); an unreachable host is retried with backoff.
/// </summary>
public static class RemoteHostAccess
{
    public static async Task<(RemoteHost Host, SshConnection Ssh)> ConnectAsync(IResourceStore store, RemoteHostConnections connections,
        string hostName, CancellationToken ct)
    {
        if (await store.GetAsync(new ResourceKey(RemoteHost.KindName, "", hostName), ct) is not RemoteHost host || host.Metadata.DeletionTimestamp is not null)
            throw new TerminalReconcileException("HostNotFound", $"RemoteHost '{hostName}' does not exist; `coast remote add {hostName} user@host` adds it");
        if (host.Spec.HostKey is null)
            throw new TerminalReconcileException("HostNotReady", $"RemoteHost '{hostName}' has no pinned host key yet");
        try
        {
            return (host, await connections.GetAsync(host, ct));
        }
        catch (HostKeyMismatchException e)
        {
            throw new TerminalReconcileException("HostKeyMismatch", e.Message);
        }
        catch (SshConnectException e) when (e.Permanent)
        {
            throw new TerminalReconcileException("HostNotReady", $"RemoteHost '{hostName}': {e.Message}");
        }
        catch (SshConnectException e)
        {
            throw new ReconcileFailedException("ConnectFailed", $"cannot reach RemoteHost '{hostName}': {e.Message}");
        }
    }

    /// <summary>Watch map: a RemoteHost changed (re-pinned, added, removed) wakes the resources of <paramref name="kind"/> that name it.</summary>
    public static WatchMap WakesUsersOf(string kind, Func<Resource, string?> hostOf) =>
        async (changed, _, store, ct) =>
            (await store.ListAsync(kind, null, null, ct)).Where(r => hostOf(r) == changed.Name).Select(r => r.Key);
}
