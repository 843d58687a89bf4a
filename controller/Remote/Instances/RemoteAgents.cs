using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Agent;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// The agent of each RemoteHost, reached through one local forward to its 127.0.0.1:31420 over the host's shared SSH
/// connection (the forward survives reconnects: the connection re-creates it on the same local port).
/// </summary>
public sealed class RemoteAgents(RemoteHostConnections connections) : IAsyncDisposable
{
    public const int AgentPort = RemoteHostProbe.AgentPort;
    private readonly Dictionary<string, (SshConnection Connection, LocalForward Forward, AgentClient Client)> _agents = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<(SshConnection Connection, AgentClient Agent)> GetAsync(RemoteHost host, CancellationToken ct)
    {
        var connection = await connections.GetAsync(host, ct);
        await _gate.WaitAsync(ct);
        try
        {
            var name = host.Metadata.Name;
            if (_agents.TryGetValue(name, out var known))
            {
                if (known.Connection == connection) return (connection, known.Client);
                known.Client.Dispose();
                _agents.Remove(name);
            }
            var forward = await connection.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", AgentPort), ct);
            var client = new AgentClient(forward.BoundPort);
            _agents[name] = (connection, forward, client);
            return (connection, client);
        }
        finally { _gate.Release(); }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var a in _agents.Values) a.Client.Dispose();
        _agents.Clear();
        return ValueTask.CompletedTask;
    }
}
