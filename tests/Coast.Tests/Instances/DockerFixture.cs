using System.Diagnostics;
using Coast.Controller.Docker.Images;
using Coast.Client.Processes;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Instances;

/// <summary>
/// A real Docker engine (started by scripts/start-dockerd.sh when none answers) with Coast's offline
/// runtime images built once per test run (about two minutes on a fresh machine, seconds after).
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        var start = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "start-dockerd.sh")], TimeSpan.FromMinutes(2));
        if (start.ExitCode != 0) throw new InvalidOperationException($"could not start dockerd: {start.StandardError}");
        var sw = Stopwatch.StartNew();
        await new RuntimeImageBuilder(Path.Combine(Path.GetTempPath(), "coast-test-images")).EnsureAsync(new Progress<string>(_ => { }));
        ImageSeconds = sw.Elapsed.TotalSeconds;
    }

    public double ImageSeconds { get; private set; }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition("docker")]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>, ICollectionFixture<PostgresFixture>;
