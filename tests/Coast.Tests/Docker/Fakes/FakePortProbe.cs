using Coast.Controller.Instances;

namespace Coast.Tests.Docker.Fakes;

/// <summary>
/// A host port answers when a running DinD container publishes it, its inner engine has compose services and all of
/// them run, and the test has not made it <see cref="Silent"/> (a service that runs but never listens).
/// </summary>
public sealed class FakePortProbe(FakeDocker docker) : IPortProbe
{
    public HashSet<int> Silent { get; } = new();

    public Task<bool> AnswersAsync(int port, string? httpPath, CancellationToken ct)
    {
        lock (docker.Sync)
        {
            if (Silent.Contains(port)) return Task.FromResult(false);
            var container = docker.Host.Containers.Values.FirstOrDefault(c => c.Running && c.Spec.Ports.Any(p => p.HostPort == port));
            var inner = container is null ? null : docker.InnerByVolume.GetValueOrDefault(container.Spec.DataVolume);
            return Task.FromResult(inner is { Containers.Count: > 0 } && inner.Containers.All(c => c.State == "running"));
        }
    }
}
