using System.Runtime.CompilerServices;
using Coast.Controller.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Docker;

/// <summary>
/// The real engine: Docker.DotNet for container, volume and event calls; the docker CLI (argument
/// lists) for exec with stdin and for streaming `docker save` into an inner `docker load`.
/// </summary>
public sealed class DockerContainerEngine : IContainerEngine, IDisposable
{
    private readonly DockerClient _client;

    public DockerContainerEngine()
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        _client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
    }

    public async Task<ContainerState?> InspectAsync(string name, CancellationToken ct)
    {
        try
        {
            var c = await _client.Containers.InspectContainerAsync(name, ct);
            return new ContainerState(c.ID, c.Name.TrimStart('/'), c.State.Running,
                new Dictionary<string, string>(c.Config.Labels ?? new Dictionary<string, string>()), c.Image);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ContainerState>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = LabelFilter(labels) }, ct);
        return list.Select(c => new ContainerState(c.ID, c.Names.First().TrimStart('/'), c.State == "running", new Dictionary<string, string>(c.Labels ?? new Dictionary<string, string>()))).ToList();
    }

    public async Task CreateDindAsync(DindContainerSpec spec, CancellationToken ct)
    {
        var host = new HostConfig
        {
            Binds = [$"{spec.ProjectRoot}:/host-project", $"{spec.DataVolume}:/var/lib/docker", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                $"{spec.SocketDir}:{InnerEngineSocket.ContainerDir}"],
            PortBindings = spec.Ports.ToDictionary(
                p => $"{p.ContainerPort}/tcp",
                p => (IList<PortBinding>)[new PortBinding { HostIP = "127.0.0.1", HostPort = p.HostPort.ToString() }]),
            CgroupnsMode = "host",
        };
        if (spec.Privileges == DindPrivilegeProfile.Privileged) host.Privileged = true;
        else
        {
            host.CapAdd = ["ALL"];
            host.CapDrop = ["SYS_RESOURCE"];
            host.SecurityOpt = ["seccomp=unconfined", "apparmor=unconfined"];
            // `--security-opt systempaths=unconfined` is a CLI spelling; the API form is empty path lists.
            host.MaskedPaths = [];
            host.ReadonlyPaths = [];
        }
        await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Labels = CoastLabels.Stamp(spec.Labels),
            Env = spec.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            ExposedPorts = spec.Ports.ToDictionary(p => $"{p.ContainerPort}/tcp", _ => new EmptyStruct()),
            HostConfig = host,
        }, ct);
    }

    public Task StartAsync(string name, CancellationToken ct) => _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), ct);

    public Task StopAsync(string name, TimeSpan timeout, CancellationToken ct) =>
        _client.Containers.StopContainerAsync(name, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)timeout.TotalSeconds }, ct);

    public async Task RemoveAsync(string name, CancellationToken ct)
    {
        try { await _client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }, ct); }
        catch (DockerContainerNotFoundException) { }
    }

    public async Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        try { await _client.Volumes.InspectAsync(name, ct); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await _client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = CoastLabels.Stamp(labels) }, ct);
        }
    }

    public async Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var r = await _client.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilter(labels) }, ct);
        return r.Volumes?.Select(v => v.Name).ToList() ?? [];
    }

    public async Task RemoveVolumeAsync(string name, CancellationToken ct)
    {
        try { await _client.Volumes.RemoveAsync(name, force: true, ct); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    public async Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> command, string? stdin, CancellationToken ct)
    {
        string[] args = stdin is null ? ["exec", container, .. command] : ["exec", "-i", container, .. command];
        var r = await ProcessRunner.RunAsync("docker", args, TimeSpan.FromMinutes(10), ct, stdin: stdin);
        return new ExecResult(r.ExitCode, r.StandardOutput, r.StandardError);
    }

    public Task<string?> ImageIdAsync(string image, CancellationToken ct) => _client.Images.IdOrNullAsync(image, ct);

    public async Task<bool> ImageExistsAsync(string image, CancellationToken ct) => await ImageIdAsync(image, ct) is not null;

    public async Task<IReadOnlyList<string>> ImageTagsAsync(string referencePattern, CancellationToken ct)
    {
        var images = await _client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [referencePattern] = true } },
        }, ct);
        return images.SelectMany(i => i.RepoTags ?? []).Where(t => t != "<none>:<none>").Distinct().ToList();
    }

    public async Task RemoveImageAsync(string image, CancellationToken ct)
    {
        try { await _client.Images.DeleteImageAsync(image, new ImageDeleteParameters(), ct); }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    /// <summary>
    /// Container events of Coast-managed containers, read line by line from `docker events`: the
    /// Docker.DotNet event stream delivered events late here (buffered), which delayed drift repair.
    /// </summary>
    public async IAsyncEnumerable<ContainerEvent> EventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "events", "--filter", "type=container", "--filter", $"label={CoastLabels.Managed}=true", "--format", "{{json .}}" })
            psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi) ?? throw new ProcessFailedException("docker events", -1, "could not start");
        using var stop = ct.Register(() => { try { process.Kill(); } catch (InvalidOperationException) { } });
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (ct.IsCancellationRequested) yield break;
            if (ParseEvent(line) is { } e) yield return e;
        }
        await process.WaitForExitAsync(CancellationToken.None);
        if (!ct.IsCancellationRequested)
            throw new ProcessFailedException("docker events", process.ExitCode, (await process.StandardError.ReadToEndAsync(CancellationToken.None)).Trim());
    }

    private static ContainerEvent? ParseEvent(string line)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var root = doc.RootElement;
            var action = root.GetProperty("Action").GetString() ?? "";
            var attributes = root.GetProperty("Actor").GetProperty("Attributes").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return new ContainerEvent(action, attributes);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(IReadOnlyDictionary<string, string> labels) =>
        new() { ["label"] = labels.ToDictionary(kv => $"{kv.Key}={kv.Value}", _ => true) };

    public void Dispose() => _client.Dispose();
}
