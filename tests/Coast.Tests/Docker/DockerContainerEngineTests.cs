using Coast.Client.Processes;
using Coast.Controller.Docker;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.Docker;

/// <summary>The real host engine's network handling.</summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class DockerContainerEngineTests(DockerFixture docker) : IAsyncLifetime
{
    private readonly DockerContainerEngine _engine = new();
    private readonly string _network = "coast-test-net-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DockerFixture _docker = docker;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // By id: a duplicate name (the bug this guards) cannot be removed by name.
        foreach (var id in await IdsAsync()) await ProcessRunner.RunAsync("docker", ["network", "rm", id]);
    }

    private async Task<string[]> IdsAsync()
    {
        var r = await ProcessRunner.RunAsync("docker", ["network", "ls", "-q", "--no-trunc", "--filter", $"name=^{_network}$"]);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Networks_ensured_at_the_same_time_under_one_name_make_exactly_one()
    {
        var labels = new Dictionary<string, string> { [CoastLabels.Managed] = "true" };
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _engine.EnsureNetworkAsync(_network, labels, default))));
        (await IdsAsync()).Length.ShouldBe(1);
        (await _engine.RemoveNetworkAsync(_network, default)).ShouldBeTrue();
        (await IdsAsync()).ShouldBeEmpty();
    }
}
