using Coast.ApiTypes.Model;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Coast.Controller.Instances;
using Coast.Controller.Runtime;
using Microsoft.Extensions.Logging;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// Converges the DinD side of one remote instance on the agent's engine with the controller's own runtime code:
/// the container plan (recreated when its spec hash or image drifts, started when stopped), the inner engine,
/// the images it lacks, the compose services (warm start of existing containers, so a dead service comes back),
/// then the ports. Every call is idempotent: the reconcile loop calls it on every pass.
/// </summary>
public sealed class RemoteDind(IContainerEngine engine, AgentOptions options, InjectedValuesCache injectedValues, RemoteNetworks networks, ILogger<RemoteDind> log)
{
    /// <summary>Label naming the agent (its home) on everything it makes, so orphans of this agent are found by label.</summary>
    public const string AgentLabel = "coast.dev/agent";

    private static readonly TimeSpan PortWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan BindWait = TimeSpan.FromSeconds(30);
    private readonly InnerStack _inner = new(engine);
    private readonly Coast.Controller.Instances.Injection.InjectionWriter _injectionWriter = new(engine);
    private readonly InstanceSettings _settings = new(DindPrivilegeProfile.CapAllMinusSysResource, TimeSpan.FromSeconds(60));
    private readonly RemoteAssign _assign = new(engine, log);

    public string AgentId { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(options.Home)))[..12];

    public async Task<RemoteInstanceStatus> ConvergeAsync(RemoteInstance remote, IReadOnlyList<RemotePort> ports, IReadOnlyList<RemoteSharedBind> binds, CancellationToken ct)
    {
        var workspace = options.WorkspaceOf(remote.Project, remote.Name);
        var (instance, project) = LocalModel.Of(remote, ports, workspace);
        var name = CoastNames.InstanceContainer(remote.Project, remote.Name);
        var container = await engine.InspectAsync(name, ct);
        if (remote.Spec.DesiredState == "Stopped") return await StopAsync(remote, ports, container, ct);

        var image = remote.Spec.InstanceImage!;
        if (!await engine.ImageExistsAsync(image, ct))
            throw new ReconcileFailedException("ImageMissing", $"image {image} is not on this machine's engine (the controller sends it before the instance)");
        var plan = InstanceContainerPlan.For(instance, project, image, _settings, SocketDir(remote));
        plan = plan with { Labels = new Dictionary<string, string>(plan.Labels) { [AgentLabel] = AgentId } };
        var created = false;
        if (container is not null && await RecreateReasonAsync(container, plan, ct) is { } why)
        {
            log.LogInformation("{Container}: {Why}; recreating it", name, why);
            await engine.RemoveAsync(name, ct);
            container = null;
        }
        Directory.CreateDirectory(workspace);
        if (container is not { Running: true }) InnerEngineSocket.EnsureHostDir(plan.SocketDir);
        if (container is null)
        {
            await engine.EnsureVolumeAsync(plan.DataVolume, plan.Labels, ct);
            await engine.CreateDindAsync(plan, ct);
            created = true;
        }
        if (container is not { Running: true }) await engine.StartDindAsync(plan, ct);

        using var inner = new InnerEngine(Path.Combine(plan.SocketDir, InnerEngineSocket.FileName));
        await InnerStack.WaitForEngineAsync(name, inner, _settings.InnerEngineTimeout, TimeProvider.System, ct);
        await SharedServiceRoutes.ApplyAsync(engine, networks, name, remote.Spec.SharedServices, binds, ct);
        string? composeHash = null;
        if (remote.Spec.Compose is { } text)
        {
            var compose = InnerCompose.For(text, remote.Spec.ComposeWorkdir, remote.Spec.InjectedFingerprint);
            composeHash = compose.Hash;
            // Same container and compose file: start what exists (a dead service comes back); otherwise compose up.
            var warm = !created && compose.Hash == remote.Status.ComposeHash && await InnerStack.StartExistingAsync(inner, project, ct);
            if (!warm)
            {
                var loaded = await InnerStack.LoadMissingImagesAsync(inner, remote.Spec.Images, ct);
                if (loaded > 0) log.LogInformation("{Container}: loaded {Count} image(s) into the inner engine", name, loaded);
                await WriteInjectedAsync(remote, name, ct);
                // Services that connect to a shared service at start find its reverse bind listening.
                if (await SharedServiceRoutes.FirstSilentAsync(binds, BindWait, ct) is { } silent)
                    throw new ReconcileFailedException("SharedServiceUnreachable",
                        $"nothing listens on remote port {silent.RemotePort}, the reverse bind of shared service '{silent.Name}' (the controller's Tunnel makes it)");
                await _inner.ComposeUpAsync(name, project, compose, ct);
            }
        }

        // After the services are up: a switched worktree's restarts and rebuilds act on running services.
        var workspaceMounted = await _assign.EnsureAsync(name, remote, project, created, ct);
        var composeProject = CoastNames.InnerComposeProject(remote.Project);
        var (answering, failed) = await PortsAnswerWithinAsync(remote, ports, inner, composeProject, ct);
        var status = new RemoteInstanceStatus
        {
            Phase = answering ? "Running" : failed is null ? "Starting" : "Failed",
            Message = answering ? "instance is running" : failed?.Report ?? "services are starting",
            ObservedGeneration = remote.Generation,
            Ports = [.. ports],
            Container = name,
            ComposeHash = composeHash,
            Inventory = [name, plan.DataVolume],
            Worktree = remote.Spec.Worktree,
            WorktreeDone = true,
            Conditions =
            [
                new("Ready", answering ? "True" : "False", answering ? "Running" : failed is null ? "Starting" : "ServiceExited",
                    answering ? "instance is running" : failed?.Summary ?? "services are starting"),
                new("ContainersReady", failed is null ? "True" : "False", failed is null ? "Running" : "ServiceExited",
                    failed?.Summary ?? "instance container and services are up"),
                new("PortsReady", answering ? "True" : "False", answering ? "Answering" : "NotAnswering",
                    answering ? "every port answers" : "waiting for ports to answer"),
                workspaceMounted,
            ],
        };
        return status;
    }

    /// <summary>The injected values, written into the DinD as a local instance's are (files, compose's env file).</summary>
    private async Task WriteInjectedAsync(RemoteInstance remote, string container, CancellationToken ct)
    {
        if (remote.Spec.InjectedFingerprint is not { } fingerprint) return;
        var values = injectedValues.Get(remote.Project, remote.Name, fingerprint)
            ?? throw new ReconcileFailedException("WaitingForInjectedValues", "waiting for the controller to send the injected values (the agent keeps them in memory only)");
        var injected = new Coast.Controller.Instances.Injection.InjectedValues(values.Env,
            [.. values.Files.Select(f => new Coast.Controller.Instances.Injection.InjectedFile(f.Name, f.Target, f.Content))], fingerprint);
        await _injectionWriter.WriteAsync(container, injected, remote.Spec.ComposeWorkdir, ct);
    }

    /// <summary>Removes everything the instance holds on this machine: container, data volume, socket dir, workspace.</summary>
    public async Task RemoveAsync(string project, string instance, CancellationToken ct)
    {
        injectedValues.Forget(project, instance);
        await engine.RemoveAsync(CoastNames.InstanceContainer(project, instance), ct);
        await engine.RemoveVolumeAsync(CoastNames.DindVolume(project, instance), ct);
        DeleteDir(InnerEngineSocket.HostDirUnder(SocketRoot, project, instance));
        DeleteDir(options.WorkspaceOf(project, instance));
    }

    /// <summary>Removes containers and volumes this agent made for instances it no longer stores; returns their names.</summary>
    public async Task<IReadOnlyList<string>> RemoveOrphansAsync(IReadOnlyCollection<(string Project, string Name)> known, CancellationToken ct)
    {
        var mine = new Dictionary<string, string> { [AgentLabel] = AgentId };
        var removed = new List<string>();
        foreach (var c in await engine.ListAsync(mine, ct))
        {
            var key = (c.Labels.GetValueOrDefault(CoastLabels.Project, ""), c.Labels.GetValueOrDefault(CoastLabels.Instance, ""));
            if (known.Contains(key)) continue;
            await RemoveAsync(key.Item1, key.Item2, ct);
            removed.Add(c.Name);
        }
        return removed;
    }

    /// <summary>The inner engine of a running instance (for exec, logs and ps).</summary>
    private static readonly PortProbe Probe = new();

    public InnerEngine InnerOf(string project, string instance) =>
        new(Path.Combine(InnerEngineSocket.HostDirUnder(SocketRoot, project, instance), InnerEngineSocket.FileName));

    private string SocketRoot => Path.Combine(options.Home, "dind");

    private string SocketDir(RemoteInstance r) => InnerEngineSocket.HostDirUnder(SocketRoot, r.Project, r.Name);

    private async Task<RemoteInstanceStatus> StopAsync(RemoteInstance remote, IReadOnlyList<RemotePort> ports, ContainerState? container, CancellationToken ct)
    {
        if (container is { Running: true }) await engine.StopAsync(container.Name, _settings.StopTimeout, ct);
        return remote.Status with
        {
            Phase = "Stopped",
            Message = "instance is stopped",
            ObservedGeneration = remote.Generation,
            Ports = [.. ports],
            Conditions = [new("Ready", "False", "Stopped", "instance is stopped")],
        };
    }

    private async Task<string?> RecreateReasonAsync(ContainerState container, DindContainerSpec plan, CancellationToken ct)
    {
        if (container.Labels.GetValueOrDefault(CoastLabels.SpecHash) != plan.Labels[CoastLabels.SpecHash]) return "container configuration changed";
        var current = await engine.ImageIdAsync(plan.Image, ct);
        return current is not null && container.ImageId is not null && current != container.ImageId ? $"image {plan.Image} changed" : null;
    }

    private static async Task<(bool Answering, (string Summary, string Report)? Failed)> PortsAnswerWithinAsync(
        RemoteInstance remote, IReadOnlyList<RemotePort> ports, InnerEngine inner, string composeProject, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + PortWait;
        while (true)
        {
            var probes = ports.Select(p => Probe.AnswersAsync(p.RemoteDynamic, remote.Spec.Healthchecks.GetValueOrDefault(p.Name), ct));
            if ((await Task.WhenAll(probes)).All(a => a)) return (true, null);
            if (await InnerServices.FailedAsync(inner, composeProject, ct) is { } failed) return (false, failed);
            if (DateTime.UtcNow >= deadline) return (false, null);
            await Task.Delay(200, ct);
        }
    }

    private static void DeleteDir(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
