using System.Collections.Concurrent;
using Coast.ApiTypes.Remote;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// The injected values (secrets, [inject]) of each remote instance, in memory only: the controller sends them with
/// every PUT, the agent never stores or returns them. After an agent restart an instance that needs them (its compose
/// services must be (re)created) waits for the controller's next PUT (within its 15 s resync).
/// </summary>
public sealed class InjectedValuesCache
{
    private readonly ConcurrentDictionary<(string, string), (string Fingerprint, RemoteInjected Values)> _values = new();

    public void Put(string project, string name, string fingerprint, RemoteInjected values) => _values[(project, name)] = (fingerprint, values);

    /// <summary>The values for exactly this fingerprint, or null when the agent has not been sent them.</summary>
    public RemoteInjected? Get(string project, string name, string fingerprint) =>
        _values.TryGetValue((project, name), out var v) && v.Fingerprint == fingerprint ? v.Values : null;

    public void Forget(string project, string name) => _values.TryRemove((project, name), out _);
}
