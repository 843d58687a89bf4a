using Coast.Controller.Docker;

namespace Coast.Tests.Docker.Fakes;

/// <summary>
/// Inner engines by socket path: a connection reaches the engine of the DinD container that publishes that socket,
/// answering only while that container runs. Connections not disposed are counted (<see cref="Open"/>).
/// </summary>
public sealed class FakeInnerEngineFactory(FakeDocker docker) : IInnerEngineFactory
{
    private int _open;

    /// <summary>The clock that stamps when inner containers start (the test's fake clock).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public int Open => _open;

    public IInnerEngine Connect(string socketPath)
    {
        Interlocked.Increment(ref _open);
        return new FakeInnerEngine(docker, socketPath, () => Interlocked.Decrement(ref _open));
    }
}

/// <summary>One connection to an inner engine; an engine that does not answer fails every call but <see cref="AnswersAsync"/>.</summary>
public sealed class FakeInnerEngine(FakeDocker docker, string socketPath, Action closed) : IInnerEngine
{
    private bool _disposed;

    public Task<bool> AnswersAsync(CancellationToken ct)
    {
        lock (docker.Sync) return Task.FromResult(Engine() is { NeverAnswers: false });
    }

    public Task<bool> HasImageAsync(string image, CancellationToken ct)
    {
        lock (docker.Sync) return Task.FromResult(Reachable().Images.Contains(image));
    }

    public Task LoadFromHostAsync(IReadOnlyList<string> images, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (docker.Sync)
        {
            var inner = Reachable();
            if (images.FirstOrDefault(i => !docker.Host.Images.ContainsKey(i)) is { } missing)
                throw new Coast.Client.Processes.ProcessFailedException("docker save", 1, $"Error response from daemon: reference does not exist: {missing}");
            inner.Images.UnionWith(images);
            inner.Loads++;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<InnerContainer>> ComposeContainersAsync(string composeProject, CancellationToken ct)
    {
        lock (docker.Sync)
            return Task.FromResult<IReadOnlyList<InnerContainer>>(Reachable().Containers.Where(c => c.Project == composeProject)
                .Select(c => new InnerContainer(c.Id, c.Service, c.State)).ToList());
    }

    public Task<InnerContainerState?> InspectStateAsync(string id, CancellationToken ct)
    {
        lock (docker.Sync)
            return Task.FromResult(Reachable().Containers.FirstOrDefault(c => c.Id == id) is { } c
                ? new InnerContainerState(c.State, c.ExitCode, false, null, c.StartedAt) : null);
    }

    public Task StartAsync(string id, CancellationToken ct)
    {
        lock (docker.Sync)
        {
            var inner = Reachable();
            var c = inner.Containers.FirstOrDefault(x => x.Id == id) ?? throw new ContainerEngineException($"No such container: {id}");
            if (inner.StartRefusals.TryGetValue(c.Service, out var why)) throw new ContainerEngineException(why);
            c.Start();
        }
        return Task.CompletedTask;
    }

    public Task<bool> HasNoRestartPolicyAsync(string id, CancellationToken ct)
    {
        lock (docker.Sync) return Task.FromResult(Reachable().Containers.First(c => c.Id == id).RestartPolicy == "no");
    }

    public Task SetRestartAsync(string id, bool unlessStopped, CancellationToken ct)
    {
        lock (docker.Sync)
            if (Reachable().Containers.FirstOrDefault(c => c.Id == id) is { } c) c.RestartPolicy = unlessStopped ? "unless-stopped" : "no";
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> LogTailAsync(string id, int lines, DateTimeOffset? since, CancellationToken ct)
    {
        lock (docker.Sync)
            return Task.FromResult<IReadOnlyList<string>>(Reachable().Containers.FirstOrDefault(c => c.Id == id)?.Logs.TakeLast(lines).ToList() ?? []);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        closed();
    }

    /// <summary>The engine behind the socket: that of the running DinD container mounting the socket's directory.</summary>
    private FakeInnerState? Engine()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var c = docker.Host.Containers.Values.FirstOrDefault(c => c.Running && Path.Combine(c.Spec.SocketDir, InnerEngineSocket.FileName) == socketPath);
        return c is null ? null : docker.Host.InnerOf(c);
    }

    private FakeInnerState Reachable() =>
        Engine() is { NeverAnswers: false } inner ? inner
            : throw new HttpRequestException($"Cannot connect to the Docker daemon at unix://{socketPath}");
}
