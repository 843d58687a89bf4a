using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Docker;

/// <summary>
/// The real <see cref="IVolumeSeeder"/>: a helper container `coast-seed--TARGET` (labelled like the instance, so a
/// crash leaves nothing unowned) mounts the source read-only and the target, runs `cp -a`, and is removed. While it
/// exists the copy counts as unfinished, so a crash mid-copy is redone from scratch by the next reconcile.
/// </summary>
public sealed class DockerVolumeSeeder : IVolumeSeeder, IDisposable
{
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromMinutes(10);
    private readonly DockerClient _client;

    public DockerVolumeSeeder()
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        _client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
    }

    private static string HelperName(string target) => $"coast-seed--{target}";

    public async Task<bool> VolumeExistsAsync(string volume, CancellationToken ct)
    {
        try { await _client.Volumes.InspectAsync(volume, ct); return true; }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    public async Task<bool> SeedingUnfinishedAsync(string target, CancellationToken ct)
    {
        try { await _client.Containers.InspectContainerAsync(HelperName(target), ct); return true; }
        catch (DockerContainerNotFoundException) { return false; }
    }

    public async Task CopyAsync(string source, string target, string image, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var name = HelperName(target);
        await RemoveHelperAsync(name);
        await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Entrypoint = ["sh", "-c"],
            // Emptied first: a copy cut short before is redone from scratch.
            Cmd = ["find /to -mindepth 1 -delete && cp -a /from/. /to/"],
            Labels = CoastLabels.Stamp(labels),
            HostConfig = new HostConfig { Binds = [$"{source}:/from:ro", $"{target}:/to"] },
        }, ct);
        try
        {
            await _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(CopyTimeout);
            var exit = await _client.Containers.WaitContainerAsync(name, limit.Token);
            if (exit.StatusCode != 0)
            {
                using var logs = await _client.Containers.GetContainerLogsAsync(name, false, new ContainerLogsParameters { ShowStderr = true, ShowStdout = true, Tail = "3" }, ct);
                var (stdout, stderr) = await logs.ReadOutputToEndAsync(ct);
                throw new ContainerEngineException($"copying volume '{source}' into '{target}' failed (exit {exit.StatusCode}): {(stderr + stdout).Trim()}");
            }
        }
        finally
        {
            if (!ct.IsCancellationRequested) await RemoveHelperAsync(name);
        }
    }

    private async Task RemoveHelperAsync(string name)
    {
        try { await _client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None); }
        catch (DockerContainerNotFoundException) { }
    }

    public void Dispose() => _client.Dispose();
}
