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
    // Two collections use this fixture at once: the engine start and the image build happen once per test
    // process (two builds would debootstrap into one directory at the same time).
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static double? _imageSeconds;

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_imageSeconds is { } done) { ImageSeconds = done; return; }
            var start = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "start-dockerd.sh")], TimeSpan.FromMinutes(2));
            if (start.ExitCode != 0) throw new InvalidOperationException($"could not start dockerd: {start.StandardError}");
            var sw = Stopwatch.StartNew();
            await new RuntimeImageBuilder(Path.Combine(Path.GetTempPath(), "coast-test-images")).EnsureAsync(new Progress<string>(_ => { }));
            ImageSeconds = (_imageSeconds = sw.Elapsed.TotalSeconds).Value;
        }
        finally { Once.Release(); }
    }

    public double ImageSeconds { get; private set; }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition("docker")]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>, ICollectionFixture<PostgresFixture>;

/// <summary>
/// A second serial lane on the real engine, run beside "docker" to keep the full suite short: only for tests
/// that bind no canonical (checkout) port, so the two lanes never contend for one.
/// </summary>
[CollectionDefinition("docker-features")]
public sealed class DockerFeaturesCollection : ICollectionFixture<DockerFixture>, ICollectionFixture<PostgresFixture>;
