namespace Coast.Controller.Docker;

/// <summary>
/// The Docker engine inside one instance (DinD): what the reconcilers ask of it, in Coast's own types, so they
/// can be tested against a fake. Made by an <see cref="IInnerEngineFactory"/> from the engine's endpoint.
/// </summary>
public interface IInnerEngine : IDisposable
{
    /// <summary>True when the engine answers; false while it is starting (no socket yet, or a stale one).</summary>
    Task<bool> AnswersAsync(CancellationToken ct);

    Task<bool> HasImageAsync(string image, CancellationToken ct);

    /// <summary>Copies images from the host engine in one stream (shared layers sent once).</summary>
    Task LoadFromHostAsync(IReadOnlyList<string> images, CancellationToken ct);

    /// <summary>Containers of one compose project (running or not), by the label compose puts on them.</summary>
    Task<IReadOnlyList<InnerContainer>> ComposeContainersAsync(string composeProject, CancellationToken ct);

    /// <summary>The container's state, or null when it is gone.</summary>
    Task<InnerContainerState?> InspectStateAsync(string id, CancellationToken ct);

    /// <summary>Starts a container; a refusal is a <see cref="ContainerEngineException"/> with the engine's message.</summary>
    Task StartAsync(string id, CancellationToken ct);

    /// <summary>True when the container has no restart policy of its own (compose's default).</summary>
    Task<bool> HasNoRestartPolicyAsync(string id, CancellationToken ct);

    /// <summary>Sets "unless-stopped" (the engine then starts the container itself when it starts) or back to "no"; a gone container is fine.</summary>
    Task SetRestartAsync(string id, bool unlessStopped, CancellationToken ct);

    /// <summary>The container's last <paramref name="lines"/> log lines (stdout and stderr), only those since <paramref name="since"/> when given.</summary>
    Task<IReadOnlyList<string>> LogTailAsync(string id, int lines, DateTimeOffset? since, CancellationToken ct);
}
