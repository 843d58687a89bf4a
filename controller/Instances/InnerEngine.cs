using System.Globalization;
using System.Net.Sockets;
using Coast.Controller.Docker;
using Coast.Client.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Instances;

/// <summary>
/// The real inner engine of one instance, reached through the socket it publishes on the host: Docker.DotNet for
/// the API calls; the docker CLI (argument lists) for `docker logs` and for streaming the host's `docker save`
/// into its `docker load`.
/// </summary>
public sealed class InnerEngine : IInnerEngine
{
    private readonly DockerClient _client;

    public InnerEngine(string socketPath)
    {
        SocketPath = socketPath;
        _client = new DockerClientConfiguration(new Uri($"unix://{socketPath}")).CreateClient();
    }

    public string SocketPath { get; }

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

    public Task LoadFromHostAsync(IReadOnlyList<string> images, CancellationToken ct) =>
        ProcessPipe.RunAsync("docker", ["save", .. images], "docker", ["-H", $"unix://{SocketPath}", "load", "-q"], ct);

    public async Task<IReadOnlyList<InnerContainer>> ComposeContainersAsync(string composeProject, CancellationToken ct) =>
        (await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={composeProject}"] = true },
            },
        }, ct)).Select(c => new InnerContainer(c.ID, Service(c), c.State)).ToList();

    public async Task<InnerContainerState?> InspectStateAsync(string id, CancellationToken ct)
    {
        try
        {
            var s = (await _client.Containers.InspectContainerAsync(id, ct)).State;
            // The engine's zero time ("0001-01-01T00:00:00Z") means the container never started.
            DateTimeOffset? started = DateTimeOffset.TryParse(s.StartedAt, CultureInfo.InvariantCulture, out var at) && at.Year > 2000 ? at : null;
            return new InnerContainerState(s.Status, s.ExitCode, s.Restarting, string.IsNullOrEmpty(s.Error) ? null : s.Error, started);
        }
        catch (DockerContainerNotFoundException) { return null; }
    }

    public async Task StartAsync(string id, CancellationToken ct)
    {
        try { await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct); }
        catch (DockerApiException e) { throw new ContainerEngineException(e.Message, e); }
    }

    public async Task<bool> HasNoRestartPolicyAsync(string id, CancellationToken ct) =>
        (await _client.Containers.InspectContainerAsync(id, ct)).HostConfig?.RestartPolicy?.Name is null or RestartPolicyKind.Undefined or RestartPolicyKind.No;

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

    public async Task<IReadOnlyList<string>> LogTailAsync(string id, int lines, DateTimeOffset? since, CancellationToken ct)
    {
        string[] window = since is { } at
            ? ["--since", (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)]
            : [];
        var r = await ProcessRunner.RunAsync("docker", ["-H", $"unix://{SocketPath}", "logs", "--tail", lines.ToString(CultureInfo.InvariantCulture), .. window, id],
            TimeSpan.FromSeconds(10), ct);
        return (r.StandardOutput + r.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeLast(lines).ToList();
    }

    /// <summary>The compose service a container belongs to (its name or id when the label is missing).</summary>
    private static string Service(ContainerListResponse c) =>
        c.Labels.TryGetValue("com.docker.compose.service", out var s) ? s : c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12];

    public void Dispose() => _client.Dispose();
}
