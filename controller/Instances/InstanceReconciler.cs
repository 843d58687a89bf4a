using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;

namespace Coast.Controller.Instances;

/// <summary>
/// Converges a local Instance: ports allocated and recorded first, then the DinD container (recreated when
/// its spec hash drifts, restarted when stopped behind Coast's back), the inner engine, missing images,
/// the compose services, and finally readiness of every port. A service that exits with an error, a compose
/// up that fails and ports that do not answer within <see cref="InstanceSettings.PortDeadline"/> are
/// reported with the services' last log lines and retried with the runtime's backoff.
/// </summary>
public sealed class InstanceReconciler(
    IResourceStore store, IEventRecorder events, IContainerEngine engine, IInnerEngineFactory innerEngines, IPortProbe probe,
    InstancePorts ports, InstanceSettings settings, TimeProvider clock, ILogger<InstanceReconciler> log,
    IEnumerable<BareServices.IServiceEnvironment>? serviceEnvironment = null,
    Remote.Instances.RemoteInstanceReconciler? remote = null,
    Injection.InstanceInjection? injection = null,
    Volumes.VolumeStep? volumes = null) : IReconciler<Instance>
{
    private readonly InnerStack _inner = new(engine);
    private readonly Injection.InjectionWriter _injectionWriter = new(engine);
    private readonly BareServices.BareServiceStep _bare = new(engine, serviceEnvironment ?? []);
    private readonly SharedServices.SharedServiceStep _shared = new(store, engine);
    private readonly Assign.AssignStep _assign = new(store, events, engine, clock);

    /// <summary>Since when each starting instance (per generation) has had ports that do not answer. In memory: a
    /// restarted controller gives a starting instance its full deadline again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ResourceKey, (long Generation, DateTimeOffset Since)> _notAnswering = new();

    public async Task<ReconcileResult> ReconcileAsync(Instance instance, CancellationToken ct)
    {
        if (instance.Spec.RemoteHost is not null && remote is null)
            throw new TerminalReconcileException(InstanceReasons.RemoteNotSupported, "remote instances are not supported by this controller; remove spec.remoteHost");
        var project = await store.GetAsync(new ResourceKey(Project.KindName, instance.Metadata.Namespace, instance.Spec.Project), ct) as Project
            ?? throw new TerminalReconcileException(InstanceReasons.ProjectNotFound, $"project '{instance.Spec.Project}' does not exist; run `coast build` first");
        var build = await BuildResolver.ResolveAsync(store, instance, ct);
        if (build is null)
            return await WaitAsync(instance, InstanceReasons.WaitingForBuild, WaitingForBuildMessage(instance), ct);
        // A remote instance runs on its host's agent; everything local about it (ports, checkout) stays here.
        if (instance.Spec.RemoteHost is not null) return await remote!.ReconcileAsync(instance, project, build, ct);

        var timer = new PhaseTimer(clock);
        var name = CoastNames.InstanceContainer(project.Metadata.Name, instance.Metadata.Name);
        var container = await engine.InspectAsync(name, ct);
        if (instance.Spec.State == InstanceStates.Stopped)
            return await StopAsync(instance, container, ct);
        if (injection is null && Injection.InstanceInjection.Injects(project))
            throw new TerminalReconcileException(InstanceReasons.SecretUnavailable, "this controller cannot inject secrets or [inject] values");
        var (injected, waitingFor) = injection is null ? (Injection.InjectedValues.None, null) : await injection.ResolveAsync(project, ct);
        if (injected is null) return await WaitAsync(instance, InstanceReasons.WaitingForSecrets, waitingFor!, ct);

        if (await ports.EnsureAsync(instance, project, reallocate: false, ct))
            instance = (Instance)await store.UpdateStatusAsync(instance, ct);
        var plan = InstanceContainerPlan.For(instance, project, build.Status.InstanceImage!, settings);
        var created = false;
        var started = false;
        if (container is not null && await RecreateReasonAsync(container, plan, ct) is { } why)
        {
            await events.RecordAsync(instance.Key, "Normal", "Recreating", $"{why}; recreating it (data volume kept)", ct);
            await engine.RemoveAsync(name, ct);
            container = null;
        }
        if (container is null)
        {
            if (project.Spec.Volumes.Count > 0)
                await (volumes ?? throw new TerminalReconcileException(InstanceReasons.ComposeUpFailed, "this controller cannot make [volumes]")).EnsureAsync(project, instance, plan.Image, ct);
            await engine.EnsureVolumeAsync(plan.DataVolume, plan.Labels, ct);
            await engine.CreateDindAsync(plan, ct);
            await events.RecordAsync(instance.Key, "Normal", "Created", $"created container {name}", ct);
            created = true;
            timer.Mark("create");
        }
        if (container is not { Running: true })
        {
            if (!await TryStartAsync(instance, project, plan, ct)) return ReconcileResult.After(TimeSpan.FromMilliseconds(200));
            started = true;
            timer.Mark("container start");
        }

        // Rendered first: a changed compose file, injected value (its fingerprint is in the hash) or shared-service
        // address is not "settled". The wiring is read once here; the DinD is joined to it further down.
        var wiring = await SharedServices.SharedServiceWiring.ForAsync(store, project, instance.Metadata.Name, ct);
        var compose = project.Spec.Compose is null ? null : await InnerStack.RenderAsync(project, build, ct, injected, wiring);
        if (!created && !started && IsSettled(instance) && (compose is null || compose.Hash == instance.Status.ComposeHash) && await AllPortsAnswerAsync(instance, project, ct)
            && await _bare.SettledAsync(name, project, instance, build, ct) && await _assign.SettledAsync(name, instance, project, ct))
            return ReconcileResult.Done;

        if (project.Spec.SharedServices.Count > 0) await _shared.EnsureResourcesAsync(project, ct);
        // A retry of a failed start keeps the failure in Ready until it knows better.
        var starting = FailedThisGeneration(instance) ? Task.CompletedTask
            : SetPhaseAsync(instance, "Starting", ConditionTypes.ContainersReady, ConditionStatus.False, InstanceReasons.InnerEngineStarting, "waiting for the inner Docker engine", ct);
        using var inner = innerEngines.Connect(Path.Combine(plan.SocketDir, InnerEngineSocket.FileName));
        await InnerStack.WaitForEngineAsync(name, inner, settings.InnerEngineTimeout, clock, ct);
        await starting;
        timer.Mark("inner engine");
        // spec.worktree is switched in place (coast assign), never by recreating the container.
        await _assign.EnsureAsync(name, instance, project, build, compose?.Workdir ?? "/workspace", created, ct);
        if (await _shared.WireAsync(project, instance, name, wiring, ct) is not { } shared)
        {
            await SetPhaseAsync(instance, "Starting", ConditionTypes.Ready, ConditionStatus.False, InstanceReasons.WaitingForSharedServices, "waiting for the project's shared services", ct);
            return ReconcileResult.After(TimeSpan.FromMilliseconds(500));
        }
        if (!ReferenceEquals(shared, wiring) && compose is not null) compose = await InnerStack.RenderAsync(project, build, ct, injected, shared);
        // Same container, same compose file, same build: the inner containers only need starting.
        var warm = !created && compose is not null && compose.Hash == instance.Status.ComposeHash
                   && instance.Status.Build == build.Metadata.Name && await InnerStack.StartExistingAsync(inner, project, ct);
        if (instance.Status.RestartPolicyOverrides.Count > 0)
            await Task.WhenAll(instance.Status.RestartPolicyOverrides.Select(id => inner.SetRestartAsync(id, unlessStopped: false, ct)));
        if (!warm)
        {
            var loaded = await InnerStack.LoadMissingImagesAsync(inner, build.Status.Images.Values, ct);
            if (loaded > 0) await events.RecordAsync(instance.Key, "Normal", "ImagesLoaded", $"loaded {loaded} image(s) into the inner engine", ct);
            if (!injected.IsEmpty) await _injectionWriter.WriteAsync(name, injected, compose?.Workdir, ct);
            if (compose is not null) await _inner.ComposeUpAsync(name, project, compose, ct);
        }
        timer.Mark(warm ? "services (warm)" : "images and compose");
        var bare = await _bare.ConvergeAsync(name, project, instance, build, ct);
        if (bare is not null) timer.Mark("bare services");

        var composeProject = CoastNames.InnerComposeProject(project.Metadata.Name);
        var (answering, failedService) = await PortsAnswerWithinAsync(instance, project, inner, composeProject, settings.PortWait,
            token => _bare.FailedAsync(name, project, token), ct);
        timer.Mark("ports");
        var now = clock.GetUtcNow();
        var failure = await FailureAsync(instance, project, inner, composeProject, answering, failedService, created || started, now, ct);
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        var gen = latest.Metadata.Generation;
        latest.Status.Container = name;
        latest.Status.Build = build.Metadata.Name;
        latest.Status.ComposeHash = compose?.Hash;
        latest.Status.RestartPolicyOverrides = [];
        if (bare is not null)
        {
            latest.Status.Services = BareServices.BareServiceStep.ToStatus(await _bare.Supervisor.StatusAsync(name, ct));
            latest.Status.ServicesRestarted = bare.RestartDone;
        }
        latest.Status.Inventory = [name, plan.DataVolume, .. (plan.Volumes ?? []).Select(v => v.Volume)];
        Conditions.Set(latest.Status.Conditions, ConditionTypes.ContainersReady, failedService is null ? ConditionStatus.True : ConditionStatus.False,
            failedService is null ? InstanceReasons.Running : InstanceReasons.ServiceExited, failedService?.Report ?? "instance container and services are up", gen, now);
        Conditions.Set(latest.Status.Conditions, ConditionTypes.PortsReady, answering ? ConditionStatus.True : ConditionStatus.False,
            answering ? InstanceReasons.Answering : InstanceReasons.NotAnswering, answering ? "every port answers" : "waiting for ports to answer", gen, now);
        // A failure goes into Ready in this same write (the runtime's own report is then a no-op), so `coast ls`
        // and waiters never see a failing instance flip back to "starting" between attempts.
        var (reason, message) = answering ? (InstanceReasons.Running, "instance is running") : failure is null ? (InstanceReasons.Starting, "services are starting") : (failure.Reason, failure.Message);
        Conditions.Set(latest.Status.Conditions, ConditionTypes.Ready, answering ? ConditionStatus.True : ConditionStatus.False, reason, message, gen, now);
        latest.Status.Phase = answering ? "Running" : "Starting";
        latest.Status.ObservedGeneration = gen;
        await store.UpdateStatusAsync(latest, ct);
        log.LogInformation("instance {Key} {State} after {Timing}", instance.Key, answering ? "ready" : failure?.Reason ?? "still starting", timer);
        if (answering) return ReconcileResult.Done;
        // Recorded above (build, compose hash, inventory) before failing, so a retry can start warm.
        if (failure is not null) throw failure;
        return ReconcileResult.After(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>
    /// Why this pass failed, if it did: a service exited, or ports have not answered for the whole deadline (counted
    /// per generation, restarted when the container was created or started in this pass). Answering clears it.
    /// </summary>
    private async Task<ReconcileFailedException?> FailureAsync(Instance instance, Project project, IInnerEngine inner, string composeProject,
        bool answering, (string Summary, string Report)? failedService, bool restarted, DateTimeOffset now, CancellationToken ct)
    {
        if (answering)
        {
            _notAnswering.TryRemove(instance.Key, out _);
            return null;
        }
        if (failedService is { } failed) return new ReconcileFailedException(InstanceReasons.ServiceExited, failed.Report, failed.Summary);
        var gen = instance.Metadata.Generation;
        // A bare service still installing (npm install, say) is progress: the deadline counts from when it is done.
        restarted |= await _bare.InstallingAsync(CoastNames.InstanceContainer(project.Metadata.Name, instance.Metadata.Name), project, ct);
        var since = _notAnswering.AddOrUpdate(instance.Key, (gen, now), (_, old) => old.Generation == gen && !restarted ? old : (gen, now)).Since;
        if (now - since < settings.PortDeadline) return null;
        var deadline = $"{settings.PortDeadline.TotalSeconds:0}s";
        return new ReconcileFailedException(InstanceReasons.PortsNotAnswering,
            $"{await SilentAsync(instance, project, ct)} did not answer within {deadline}; {await InnerServices.DescribeAsync(inner, composeProject, ct)}{await _bare.DescribeAsync(CoastNames.InstanceContainer(project.Metadata.Name, instance.Metadata.Name), project, ct)}",
            $"ports did not answer within {deadline}");
    }

    /// <summary>"port 'web' (3000, host 52011)" for each port that does not answer.</summary>
    private async Task<string> SilentAsync(Instance instance, Project project, CancellationToken ct)
    {
        var silent = new List<string>();
        foreach (var p in instance.Status.Ports)
            if (!await probe.AnswersAsync(p.Dynamic, project.Spec.Healthchecks.GetValueOrDefault(p.Name), ct))
                silent.Add($"port '{p.Name}' ({p.Canonical}, host {p.Dynamic})");
        return silent.Count == 0 ? "the ports" : string.Join(", ", silent);
    }

    /// <summary>
    /// Polls the ports for a short while, so a service that needs a moment is seen as soon as it answers; stops
    /// early when a service exited with an error (returned as its report with its last log lines).
    /// </summary>
    private async Task<(bool Answering, (string Summary, string Report)? FailedService)> PortsAnswerWithinAsync(Instance instance, Project project, IInnerEngine inner,
        string composeProject, TimeSpan wait, Func<CancellationToken, Task<(string Summary, string Report)?>> bareFailed, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        var nextServiceCheck = clock.GetUtcNow();
        while (true)
        {
            if (await AllPortsAnswerAsync(instance, project, ct)) return await bareFailed(ct) is { } bareExited ? (false, bareExited) : (true, null);
            if (clock.GetUtcNow() >= nextServiceCheck)
            {
                if (await InnerServices.FailedAsync(inner, composeProject, ct) is { } failed) return (false, failed);
                if (await bareFailed(ct) is { } bareFailure) return (false, bareFailure);
                nextServiceCheck = clock.GetUtcNow() + TimeSpan.FromMilliseconds(500);
            }
            if (clock.GetUtcNow() >= deadline) return (false, null);
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct);
        }
    }

    /// <summary>Why the container no longer matches what it should be, or null when it does.</summary>
    private async Task<string?> RecreateReasonAsync(ContainerState container, DindContainerSpec plan, CancellationToken ct)
    {
        if (container.Labels.GetValueOrDefault(CoastLabels.SpecHash) != plan.Labels[CoastLabels.SpecHash]) return "container configuration changed";
        // The same tag can name a newer image (the runtime image is rebuilt when its recipe changes).
        var current = await engine.ImageIdAsync(plan.Image, ct);
        return current is not null && container.ImageId is not null && current != container.ImageId ? $"image {plan.Image} changed" : null;
    }

    private static bool FailedThisGeneration(Instance i) =>
        Conditions.Get(i.Status.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.False } ready && ready.ObservedGeneration == i.Metadata.Generation
        && InstanceReasons.StartFailures.Contains(ready.Reason);

    private static bool IsSettled(Instance i) =>
        i.Status.ObservedGeneration == i.Metadata.Generation && Conditions.IsTrue(i.Status.Conditions, ConditionTypes.Ready);

    private async Task<bool> TryStartAsync(Instance instance, Project project, DindContainerSpec plan, CancellationToken ct)
    {
        try
        {
            await engine.StartDindAsync(plan, ct);
            return true;
        }
        catch (HostPortTakenException)
        {
            // Someone took one of our dynamic ports: pick fresh ones; the next pass recreates the container.
            await events.RecordAsync(instance.Key, "Warning", "PortConflict", "a dynamic port was taken; allocating new ports", ct);
            var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
            await ports.EnsureAsync(latest, project, reallocate: true, ct);
            await store.UpdateStatusAsync(latest, ct);
            return false;
        }
    }

    private async Task<bool> AllPortsAnswerAsync(Instance instance, Project project, CancellationToken ct)
    {
        var probes = instance.Status.Ports.Select(p => probe.AnswersAsync(p.Dynamic, project.Spec.Healthchecks.GetValueOrDefault(p.Name), ct));
        return (await Task.WhenAll(probes)).All(answered => answered);
    }

    private async Task<ReconcileResult> StopAsync(Instance instance, ContainerState? container, CancellationToken ct)
    {
        _notAnswering.TryRemove(instance.Key, out _);
        if (container is { Running: true })
        {
            await LetInnerEngineRestartServicesAsync(instance, ct);
            // Long enough for the inner engine to stop its containers (10 s each at most) and exit cleanly:
            // killed mid-shutdown, it spends about a second cleaning up on the next start.
            await engine.StopAsync(container.Name, settings.StopTimeout, ct);
            await events.RecordAsync(instance.Key, "Normal", "Stopped", $"stopped container {container.Name} (volumes kept)", ct);
        }
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        var gen = latest.Metadata.Generation;
        latest.Status.Phase = "Stopped";
        latest.Status.ObservedGeneration = gen;
        Conditions.Set(latest.Status.Conditions, ConditionTypes.Ready, ConditionStatus.False, InstanceReasons.Stopped, "instance is stopped", gen, clock.GetUtcNow());
        Conditions.Set(latest.Status.Conditions, ConditionTypes.Stopped, ConditionStatus.True, InstanceReasons.Stopped, "instance is stopped", gen, clock.GetUtcNow());
        await store.UpdateStatusAsync(latest, ct);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Before a stop: gives the running inner containers that have no restart policy "unless-stopped", so the
    /// inner engine starts them itself during its own start-up (in parallel, before its API answers), about
    /// 0.25 s sooner than starting them through the API afterwards. They are recorded in status first, so a
    /// crash in between still lets the next start set them back. Best effort: an engine that does not answer
    /// just means the slower start.
    /// </summary>
    private async Task LetInnerEngineRestartServicesAsync(Instance instance, CancellationToken ct)
    {
        using var inner = innerEngines.Connect(InnerEngineSocket.HostPath(instance.Metadata.Namespace, instance.Metadata.Name));
        if (!await inner.AnswersAsync(ct)) return;
        var running = (await inner.ComposeContainersAsync(CoastNames.InnerComposeProject(instance.Metadata.Namespace), ct))
            .Where(c => c.State == "running").Select(c => c.Id).ToList();
        var marked = new List<string>();
        foreach (var id in running)
            if (await inner.HasNoRestartPolicyAsync(id, ct)) marked.Add(id);
        if (marked.Count == 0) return;
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        latest.Status.RestartPolicyOverrides = latest.Status.RestartPolicyOverrides.Union(marked).ToList();
        await store.UpdateStatusAsync(latest, ct);
        await Task.WhenAll(marked.Select(id => inner.SetRestartAsync(id, unlessStopped: true, ct)));
    }

    /// <summary>Pending without polling: the Build watch (InstanceWatches.MapBuildToInstances) wakes it when a build is ready.</summary>
    private async Task<ReconcileResult> WaitAsync(Instance instance, string reason, string message, CancellationToken ct)
    {
        await SetPhaseAsync(instance, "Pending", ConditionTypes.Ready, ConditionStatus.False, reason, message, ct);
        return ReconcileResult.Done;
    }

    private static string WaitingForBuildMessage(Instance instance) => instance.Spec.Build is { } named
        ? $"waiting for build '{named}' to complete"
        : "waiting for a completed build of the project; run `coast build`";

    private async Task SetPhaseAsync(Instance instance, string phase, string condition, string status, string reason, string message, CancellationToken ct)
    {
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        latest.Status.Phase = phase;
        Conditions.Set(latest.Status.Conditions, condition, status, reason, message, latest.Metadata.Generation, clock.GetUtcNow());
        if (condition != ConditionTypes.Ready)
            Conditions.Set(latest.Status.Conditions, ConditionTypes.Ready, ConditionStatus.False, reason, message, latest.Metadata.Generation, clock.GetUtcNow());
        Conditions.Set(latest.Status.Conditions, ConditionTypes.Stopped, ConditionStatus.False, InstanceReasons.Running, "instance should run", latest.Metadata.Generation, clock.GetUtcNow());
        await store.UpdateStatusAsync(latest, ct);
    }
}
