using Coast.Controller.Compose;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.ApiTypes.Compose;

namespace Coast.Tests.Docker.Fakes;

/// <summary>
/// The host engine in memory. Like the real one: a name is taken once, a missing image or container is an error,
/// removal of a missing thing is fine, exec needs a running container; `docker-compose up` run by exec creates,
/// starts and removes the inner containers of its project from the compose file written before it.
/// </summary>
public sealed partial class FakeContainerEngine(FakeDocker docker) : IContainerEngine
{
    private int _ids;

    public Dictionary<string, FakeContainer> Containers { get; } = new();
    public Dictionary<string, IReadOnlyDictionary<string, string>> Volumes { get; } = new();
    public Dictionary<string, string> Images { get; } = new();

    /// <summary>Host ports another program holds: starting a container that publishes one fails.</summary>
    public HashSet<int> TakenHostPorts { get; } = new();

    /// <summary>The engine does not answer (every call fails as Docker.DotNet's does without a daemon).</summary>
    public bool Down { get; set; }

    /// <summary>Image builds that fail, by tag.</summary>
    public Dictionary<string, ImageBuildException> FailingBuilds { get; } = new();

    /// <summary>When set, `docker-compose up` returns this instead of bringing services up.</summary>
    public ExecResult? ComposeUpFailure { get; set; }

    /// <summary>Runs before an operation ("CreateDind", "StartDind", "Exec:up", "BuildImage", ...): a test fails or cancels there.</summary>
    public Action<string>? Before { get; set; }

    public List<string> Calls { get; } = new();
    public List<string> Builds { get; } = new();
    /// <summary>Every switch of /workspace (container, source) that an assign made.</summary>
    public List<(string Container, string Source)> Remounts { get; } = new();

    /// <summary>Every command exec'd into a running container, in order.</summary>
    public List<(string Container, IReadOnlyList<string> Command)> Execs { get; } = new();

    /// <summary>Answers an exec in place of the fake's own handling when it returns a result (e.g. the supervisor's status).</summary>
    public Func<string, IReadOnlyList<string>, ExecResult?>? ExecReply { get; set; }

    public void AddImage(string tag) { lock (docker.Sync) Images[tag] = NewId("sha256:"); }

    public Task<ContainerState?> InspectAsync(string name, CancellationToken ct)
    {
        Hit("Inspect", ct);
        lock (docker.Sync)
            return Task.FromResult(Containers.TryGetValue(name, out var c) ? c.State() : null);
    }

    public Task<IReadOnlyList<ContainerState>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        Hit("List", ct);
        lock (docker.Sync)
            return Task.FromResult<IReadOnlyList<ContainerState>>(Containers.Values.Where(c => Matches(c.Labels, labels)).Select(c => c.State()).ToList());
    }

    public Task CreateDindAsync(DindContainerSpec spec, CancellationToken ct)
    {
        Hit("CreateDind", ct);
        lock (docker.Sync)
        {
            if (Containers.ContainsKey(spec.Name)) throw new ContainerEngineException($"Conflict. The container name \"/{spec.Name}\" is already in use");
            if (!Images.TryGetValue(spec.Image, out var image)) throw new ContainerEngineException($"No such image: {spec.Image}");
            // Like `docker run -v name:/path`, a missing named volume is made (without labels).
            Volumes.TryAdd(spec.DataVolume, new Dictionary<string, string>());
            Containers[spec.Name] = new FakeContainer(NewId(""), spec, CoastLabels.Stamp(spec.Labels), image);
        }
        return Task.CompletedTask;
    }

    public Task StartDindAsync(DindContainerSpec spec, CancellationToken ct)
    {
        Hit("StartDind", ct);
        FakeContainer c;
        lock (docker.Sync)
        {
            c = Get(spec.Name);
            if (c.Spec.Ports.FirstOrDefault(p => TakenHostPorts.Contains(p.HostPort)) is { HostPort: > 0 } taken)
                throw new HostPortTakenException($"driver failed programming external connectivity: Bind for 127.0.0.1:{taken.HostPort} failed: port is already allocated");
            if (c.Running) return Task.CompletedTask;
            c.Running = true;
            c.Workspace = c.EntrypointWorkspace;
            // The inner engine starts the containers it should restart itself (unless-stopped), as dockerd does.
            foreach (var inner in InnerOf(c).Containers.Where(i => i.RestartPolicy == "unless-stopped")) inner.Start();
        }
        docker.Events.Publish(new ContainerEvent("start", c.Labels));
        return Task.CompletedTask;
    }

    public Task StopAsync(string name, TimeSpan timeout, CancellationToken ct)
    {
        Hit("Stop", ct);
        FakeContainer c;
        lock (docker.Sync)
        {
            c = Get(name);
            c.Running = false;
            foreach (var inner in InnerOf(c).Containers.Where(i => i.State == "running")) (inner.State, inner.ExitCode) = ("exited", 0);
        }
        docker.Events.Publish(new ContainerEvent("die", c.Labels));
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name, CancellationToken ct)
    {
        Hit("Remove", ct);
        FakeContainer? c;
        lock (docker.Sync)
        {
            if (!Containers.Remove(name, out c)) return Task.CompletedTask;
            foreach (var inner in InnerOf(c).Containers.Where(i => i.State == "running")) (inner.State, inner.ExitCode) = ("exited", 137);
        }
        docker.Events.Publish(new ContainerEvent("destroy", c.Labels));
        return Task.CompletedTask;
    }

    public Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        Hit("EnsureVolume", ct);
        lock (docker.Sync) Volumes.TryAdd(name, CoastLabels.Stamp(labels));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        Hit("ListVolumes", ct);
        lock (docker.Sync) return Task.FromResult<IReadOnlyList<string>>(Volumes.Where(v => Matches(v.Value, labels)).Select(v => v.Key).ToList());
    }

    public Task RemoveVolumeAsync(string name, CancellationToken ct)
    {
        Hit("RemoveVolume", ct);
        lock (docker.Sync)
        {
            if (Containers.Values.Any(c => c.Spec.DataVolume == name)) throw new ContainerEngineException($"remove {name}: volume is in use");
            Volumes.Remove(name);
            docker.InnerByVolume.Remove(name);
        }
        return Task.CompletedTask;
    }

    public Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> command, string? stdin, CancellationToken ct)
    {
        var up = command.Contains("docker-compose") && command.Contains("up");
        Hit(up ? "Exec:up" : "Exec", ct);
        lock (docker.Sync)
        {
            var c = Get(container);
            if (!c.Running) return Task.FromResult(new ExecResult(1, "", $"Error response from daemon: container {c.Id} is not running"));
            Execs.Add((container, command));
            if (ExecReply?.Invoke(container, command) is { } reply) return Task.FromResult(reply);
            if (command is ["sh", "-c", var script] && script.Contains("cat > ") && stdin is not null)
                c.Files[script[(script.LastIndexOf("cat > ", StringComparison.Ordinal) + 6)..].Trim()] = stdin;
            // The workspace check and switch of Assign.WorkspaceMount: ["sh", "-c", script, "sh", source].
            if (command is ["sh", "-c", var ws, "sh", var source] && ws.Contains("stat -c %d:%i", StringComparison.Ordinal))
                return Task.FromResult(new ExecResult(0, c.Workspace == source ? "expected\n" : "other\n", ""));
            if (command is ["sh", "-c", var remount, "sh", var target] && remount.Contains("mount --bind \"$src\" /workspace", StringComparison.Ordinal))
            {
                c.Workspace = target;
                Remounts.Add((container, target));
            }
            if (!up) return Task.FromResult(new ExecResult(0, "", ""));
            if (ComposeUpFailure is { } failed) return Task.FromResult(failed);
            return Task.FromResult(ComposeUp(c, command));
        }
    }

    public Task<bool> ImageExistsAsync(string image, CancellationToken ct)
    {
        Hit("ImageExists", ct);
        lock (docker.Sync) return Task.FromResult(Images.ContainsKey(image));
    }

    public Task<string?> ImageIdAsync(string image, CancellationToken ct)
    {
        Hit("ImageId", ct);
        lock (docker.Sync) return Task.FromResult(Images.GetValueOrDefault(image));
    }

    public Task<IReadOnlyList<string>> ImageTagsAsync(string referencePattern, CancellationToken ct)
    {
        Hit("ImageTags", ct);
        var regex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(referencePattern).Replace("\\*", "[^/:]*") + "$");
        lock (docker.Sync) return Task.FromResult<IReadOnlyList<string>>(Images.Keys.Where(t => regex.IsMatch(t)).ToList());
    }

    public Task RemoveImageAsync(string image, CancellationToken ct)
    {
        Hit("RemoveImage", ct);
        lock (docker.Sync)
        {
            if (Images.TryGetValue(image, out var id) && Containers.Values.Any(c => c.ImageId == id))
                throw new ContainerEngineException($"conflict: unable to remove repository reference \"{image}\" (must force) - container is using its referenced image");
            Images.Remove(image);
        }
        return Task.CompletedTask;
    }

    public Task BuildImageAsync(ImageBuildRequest request, IProgress<string> progress, CancellationToken ct)
    {
        Hit("BuildImage", ct);
        lock (docker.Sync)
        {
            Builds.Add(request.Tag);
            if (FailingBuilds.TryGetValue(request.Tag, out var failure)) throw failure;
            Images[request.Tag] = NewId("sha256:");
        }
        return Task.CompletedTask;
    }

    /// <summary>`docker-compose -p P -f F ... up -d --remove-orphans`: one container per service of F, started; others of P removed.</summary>
    private ExecResult ComposeUp(FakeContainer c, IReadOnlyList<string> command)
    {
        var project = command[command.ToList().IndexOf("-p") + 1];
        var path = command[command.ToList().IndexOf("-f") + 1];
        if (!c.Files.TryGetValue(path, out var text)) return new ExecResult(1, "", $"ERROR: .FileNotFoundError: [Errno 2] No such file or directory: '{path}'");
        var compose = ComposeFile.Parse(text, path);
        var inner = InnerOf(c);
        foreach (var service in compose.ServiceNames)
            if (compose.ImageOf(service) is { } image && !inner.Images.Contains(image))
                return new ExecResult(1, "", $"ERROR: for {service}  No such image: {image}");
        inner.Containers.RemoveAll(i => i.Project == project && !compose.ServiceNames.Contains(i.Service));
        foreach (var service in compose.ServiceNames)
        {
            var existing = inner.Containers.FirstOrDefault(i => i.Project == project && i.Service == service);
            if (existing is null) inner.Containers.Add(existing = new FakeInnerContainer(NewId(""), project, service, inner, docker.InnerEngines.Clock));
            if (existing.State != "running") existing.Start();
        }
        return new ExecResult(0, "", "");
    }

    internal FakeInnerState InnerOf(FakeContainer c)
    {
        if (!docker.InnerByVolume.TryGetValue(c.Spec.DataVolume, out var inner)) docker.InnerByVolume[c.Spec.DataVolume] = inner = new FakeInnerState();
        return inner;
    }

    private FakeContainer Get(string name) =>
        Containers.TryGetValue(name, out var c) ? c : throw new ContainerEngineException($"No such container: {name}");

    private void Hit(string operation, CancellationToken ct)
    {
        lock (docker.Sync) Calls.Add(operation);
        Before?.Invoke(operation);
        ct.ThrowIfCancellationRequested();
        if (Down) throw new HttpRequestException("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
    }

    private static bool Matches(IReadOnlyDictionary<string, string> have, IReadOnlyDictionary<string, string> want) =>
        want.All(kv => have.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private string NewId(string prefix) => $"{prefix}{Interlocked.Increment(ref _ids):x12}";
}

/// <summary>A DinD container on the fake host: its spec, labels, image, whether it runs, and the files exec wrote into it.</summary>
public sealed class FakeContainer(string id, DindContainerSpec spec, IReadOnlyDictionary<string, string> labels, string imageId)
{
    public string Id { get; } = id;
    public DindContainerSpec Spec { get; } = spec;
    public IReadOnlyDictionary<string, string> Labels { get; } = labels;
    public string ImageId { get; } = imageId;
    public bool Running { get; set; }
    public Dictionary<string, string> Files { get; } = new();

    /// <summary>Where /workspace is mounted from inside (as the entrypoint mounts it at each start, or an assign switched it).</summary>
    public string? Workspace { get; set; }

    public string EntrypointWorkspace => Spec.Environment.GetValueOrDefault("COAST_WORKTREE") is { Length: > 0 } w ? $"/host-project/{w}" : "/host-project";

    internal ContainerState State() => new(Id, Spec.Name, Running, Labels, ImageId);
}
