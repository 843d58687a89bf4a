using Coast.Controller.Docker.Images;
using Coast.Client.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coast.Controller.Docker;

/// <summary>
/// The real host engine: Docker.DotNet for container, volume and image calls; the docker CLI (argument lists)
/// for exec with stdin and for `docker build` (the legacy builder, see <see cref="ImageBuild"/>).
/// </summary>
public sealed partial class DockerContainerEngine : IContainerEngine, IDisposable
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
        // The socket directory is bind-mounted: it must exist before the container is created or started.
        InnerEngineSocket.EnsureHostDir(spec.SocketDir);
        var host = new HostConfig
        {
            Binds = [$"{spec.ProjectRoot}:/host-project", $"{spec.DataVolume}:/var/lib/docker", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                $"{spec.SocketDir}:{InnerEngineSocket.ContainerDir}", .. (spec.Volumes ?? []).Select(v => $"{v.Volume}:{v.Target}")],
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

    public async Task StartDindAsync(DindContainerSpec spec, CancellationToken ct)
    {
        InnerEngineSocket.EnsureHostDir(spec.SocketDir);
        try { await _client.Containers.StartContainerAsync(spec.Name, new ContainerStartParameters(), ct); }
        catch (DockerApiException e) when (e.Message.Contains("port is already allocated") || e.Message.Contains("address already in use"))
        {
            throw new HostPortTakenException(e.Message, e);
        }
    }

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

    public Task BuildImageAsync(ImageBuildRequest request, IProgress<string> progress, CancellationToken ct) =>
        ImageBuild.RunAsync(request.Context, request.Dockerfile, request.Tag, request.Labels, request.BuildArgs, progress, ct);

    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(IReadOnlyDictionary<string, string> labels) =>
        new() { ["label"] = labels.ToDictionary(kv => $"{kv.Key}={kv.Value}", _ => true) };

    public void Dispose() => _client.Dispose();
}
