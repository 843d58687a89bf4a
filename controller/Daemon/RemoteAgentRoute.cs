using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Agent;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Remote.Instances;
using Coast.Controller.Remote.Ssh;
using Coast.Client.Store;

namespace Coast.Daemon;

/// <summary>
/// exec, logs and ps of a remote instance go to its host's agent: over SSH with the RemoteHost's pinned key and
/// identity file (so only who can read that key gets in), through a local forward to the agent's loopback port.
/// </summary>
public sealed class RemoteAgentRoute : IAsyncDisposable
{
    private readonly SshConnection _ssh;

    private RemoteAgentRoute(SshConnection ssh, AgentClient agent)
    {
        _ssh = ssh;
        Agent = agent;
    }

    public AgentClient Agent { get; }

    public static async Task<RemoteAgentRoute> OpenAsync(IResourceStore store, Instance instance, CancellationToken ct)
    {
        var name = instance.Spec.RemoteHost!;
        var host = await store.GetAsync(new ResourceKey(RemoteHost.KindName, "", name), ct) as RemoteHost
            ?? throw new DaemonException($"remote host '{name}' not found. Add it with `coast remote add {name} user@host`.");
        if (host.Spec.HostKey is not { } pin) throw new DaemonException($"remote host '{name}' has no pinned host key (spec.hostKey).");
        SshConnection ssh;
        try { ssh = await SshConnection.OpenAsync(RemoteHostConnections.TargetOf(host), HostKeyFingerprint.Parse(pin), ct: ct); }
        catch (Exception e) when (e is SshConnectException or HostKeyMismatchException) { throw new DaemonException(e.Message); }
        try
        {
            var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", RemoteAgents.AgentPort), ct);
            return new RemoteAgentRoute(ssh, new AgentClient(forward.BoundPort));
        }
        catch
        {
            await ssh.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a call, turning the agent's one-line errors into CLI errors.</summary>
    public static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (AgentException e) { throw new DaemonException(e.Message.StartsWith("agent: ") ? e.Message["agent: ".Length..] : e.Message); }
        catch (HttpRequestException e) { throw new DaemonException($"the remote agent did not answer: {e.Message}"); }
    }

    public async ValueTask DisposeAsync()
    {
        Agent.Dispose();
        await _ssh.DisposeAsync();
    }
}
