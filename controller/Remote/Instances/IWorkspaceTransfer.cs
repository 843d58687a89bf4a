using Coast.Controller.Remote.Agent;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// The seam for a remote instance's workspace. Today <see cref="OneShotWorkspaceTransfer"/> copies it once per
/// generation through the agent; once SyncSession exists, an implementation that writes a SyncSession owned by the
/// Instance replaces it.
/// </summary>
public interface IWorkspaceTransfer
{
    Task EnsureAsync(AgentClient agent, string project, string instance, string localDir, long generation, CancellationToken ct);
}

public sealed class OneShotWorkspaceTransfer : IWorkspaceTransfer
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), long> _sent = new();

    public async Task EnsureAsync(AgentClient agent, string project, string instance, string localDir, long generation, CancellationToken ct)
    {
        if (_sent.TryGetValue((project, instance), out var g) && g == generation) return;
        await WorkspaceCopy.UploadAsync(agent, project, instance, localDir, ct);
        _sent[(project, instance)] = generation;
    }
}
