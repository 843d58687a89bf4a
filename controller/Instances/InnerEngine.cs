using System.Net.Sockets;
using Coast.Controller.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Instances;

/// <summary>The Docker engine inside one instance, reached through the socket it publishes on the host.</summary>
public sealed class InnerEngine : IDisposable
{
    private readonly DockerClient _client;

    public InnerEngine(string socketPath)
    {
        SocketPath = socketPath;
        _client = new DockerClientConfiguration(new Uri($"unix://{socketPath}")).CreateClient();
    }

    public string SocketPath { get; }

    /// <summary>True when the engine answers; false while it is starting (no socket yet, or a stale one).</summary>
    public async Task<bool> AnswersAsync(CancellationToken ct)
    {
        if (!File.Exists(SocketPath)) return false;
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            await _client.System.PingAsync(attempt.Token);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or DockerApiException
                                   || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    public async Task<bool> HasImageAsync(string image, CancellationToken ct) => await _client.Images.IdOrNullAsync(image, ct) is not null;

    /// <summary>Containers of one compose project (running or not), by the label compose puts on them.</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ComposeContainersAsync(string composeProject, CancellationToken ct) =>
        (await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={composeProject}"] = true },
            },
        }, ct)).ToList();

    /// <summary>The container's state (status, exit code, restarting, start error), or null when it is gone.</summary>
    public async Task<global::Docker.DotNet.Models.ContainerState?> InspectStateAsync(string id, CancellationToken ct)
    {
        try { return (await _client.Containers.InspectContainerAsync(id, ct)).State; }
        catch (DockerContainerNotFoundException) { return null; }
    }

    public Task StartAsync(string id, CancellationToken ct) => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);

    /// <summary>True when the container has no restart policy of its own (compose's default).</summary>
    public async Task<bool> HasNoRestartPolicyAsync(string id, CancellationToken ct) =>
        (await _client.Containers.InspectContainerAsync(id, ct)).HostConfig?.RestartPolicy?.Name is null or RestartPolicyKind.Undefined or RestartPolicyKind.No;

    /// <summary>Sets "unless-stopped" (the engine then starts the container itself when it starts) or back to "no".</summary>
    public async Task SetRestartAsync(string id, bool unlessStopped, CancellationToken ct)
    {
        try
        {
            await _client.Containers.UpdateContainerAsync(id, new ContainerUpdateParameters
            {
                RestartPolicy = new RestartPolicy { Name = unlessStopped ? RestartPolicyKind.UnlessStopped : RestartPolicyKind.No },
            }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
            // Recreated by compose since: the new container has compose's own policy.
        }
    }

    public void Dispose() => _client.Dispose();
}
