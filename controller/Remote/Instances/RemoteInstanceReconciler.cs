using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Remote;
using Coast.Controller.Instances;
using Coast.Controller.Instances.Injection;
using Coast.Controller.Remote.Agent;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Instances;

/// <summary>
/// The controller's half of a remote Instance (spec.remoteHost): local dynamic ports allocated as for a local one,
/// the images the remote lacks sent over the host's SSH connection, the workspace copied, the desired state PUT to
/// the host's agent (which runs the DinD), and a forward per service from localhost:local_dynamic to the agent's
/// remote_dynamic. Status mirrors what the agent reports; Ready also needs every local port to answer. Checkout
/// then works unchanged (it binds the canonical port to the local dynamic one).
/// </summary>
public sealed class RemoteInstanceReconciler(IResourceStore store, IEventRecorder events, RemoteAgents agents, InstancePorts ports, IPortProbe probe,
    IRemotePortForwards forwards, IWorkspaceTransfer workspace, TimeProvider clock, ILogger<RemoteInstanceReconciler> log,
    Coast.Controller.Docker.IContainerEngine? engine = null, InstanceInjection? injection = null)
{
    /// <summary>How often a running remote instance is looked at again (the agent repairs drift itself; this follows it).</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(15);

    public async Task<ReconcileResult> ReconcileAsync(Instance instance, Project project, Build build, CancellationToken ct)
    {
        var host = await store.GetAsync(new ResourceKey(RemoteHost.KindName, "", instance.Spec.RemoteHost!), ct) as RemoteHost
            ?? throw new ReconcileFailedException("RemoteHostNotFound", $"remote host '{instance.Spec.RemoteHost}' does not exist; add it with `coast remote add`");
        var (_, agent) = await ConnectAsync(host, ct);
        var p = project.Metadata.Name;
        var i = instance.Metadata.Name;
        if (await ports.EnsureAsync(instance, project, reallocate: false, ct))
            instance = (Instance)await store.UpdateStatusAsync(instance, ct);

        var stopped = instance.Spec.State == InstanceStates.Stopped;
        // What a local instance gets (secrets, [inject], shared services) goes over the agent connection.
        var (injected, shared) = (InjectedValues.None, RemoteSharedServices.None);
        if (!stopped)
        {
            if (await InjectedAndSharedAsync(instance, project, ct) is not { } values) return ReconcileResult.After(TimeSpan.FromMilliseconds(500));
            (injected, shared) = values;
            var sent = await Call(() => RemoteImages.SendMissingAsync(agent, [build.Status.InstanceImage!, .. build.Status.Images.Values], ct));
            if (sent.Count > 0) await events.RecordAsync(instance.Key, "Normal", "ImagesSent", $"sent {sent.Count} image(s) to {host.Metadata.Name}: {string.Join(", ", sent)}", ct);
            var localDir = InstanceLayout.WorktreePath(instance, project) is { } wt ? Path.Combine(project.Spec.RootDir, wt) : project.Spec.RootDir;
            var synced = await Call(() => workspace.EnsureAsync(instance, project, agent, localDir, ct));
            if (!synced.Synced)
            {
                // The SyncSession's status change wakes this instance (it owns the session).
                await WriteSyncingAsync(instance, synced.Message, ct);
                return ReconcileResult.After(TimeSpan.FromSeconds(2));
            }
        }
        var compose = project.Spec.Compose is null ? null : await InnerStack.RenderAsync(project, build, ct, injected, shared.Compose);
        var worktree = InstanceLayout.WorktreePath(instance, project);
        var spec = new RemoteInstanceSpec
        {
            DesiredState = stopped ? "Stopped" : "Running",
            Ports = project.Spec.Ports.ToDictionary(),
            Build = build.Metadata.Name,
            InstanceImage = build.Status.InstanceImage,
            Images = [.. build.Status.Images.Values.Distinct().Order(StringComparer.Ordinal)],
            Compose = compose?.Text,
            ComposeWorkdir = compose?.Workdir ?? "/workspace",
            Healthchecks = project.Spec.Healthchecks.ToDictionary(),
            PrivatePaths = [.. project.Spec.PrivatePaths],
            SharedServices = [.. shared.Services],
            InjectedFingerprint = injected.Fingerprint,
            Injected = injected.IsEmpty ? null : new RemoteInjected
            {
                Env = new Dictionary<string, string>(injected.Env),
                Files = [.. injected.Files.Select(f => new RemoteInjectedFile(f.Name, f.Target, f.Content))],
            },
            Worktree = worktree,
            AssignSteps = [.. await RemoteAssignSteps.ForAsync(instance, project, build, worktree, compose?.Workdir ?? "/workspace", ct)],
        };
        var remote = await Call(() => agent.PutAsync(p, i, spec, ct));
        var reverse = shared.ReverseBinds(remote.SharedBinds);
        // The reverse binds first: the agent waits for them before it brings the services up.
        if (!stopped && reverse.Count > 0) await forwards.EnsureAsync(instance, Hops(remote, instance), reverse, ct);
        if (remote.Status.ObservedGeneration != remote.Generation || remote.Status.Phase is "Pending")
            remote = await WaitObservedAsync(agent, p, i, remote.Generation, ct) ?? remote;

        var hops = Hops(remote, instance);
        if (stopped) await forwards.RemoveAsync(instance, ct);
        else if (hops.Count == instance.Status.Ports.Count) await forwards.EnsureAsync(instance, hops, reverse, ct);
        // Only what the agent did for this spec counts: an assign's actions are done when it observed their generation.
        var answering = !stopped && remote.Status.Phase == "Running" && remote.Status.ObservedGeneration == remote.Generation
            && await LocalPortsAnswerAsync(instance, project, ct);
        await WriteStatusAsync(instance, host, remote, hops, answering, stopped, ct);
        if (!stopped && remote.Status.Phase == "Failed")
        {
            var ready = remote.Status.Conditions.FirstOrDefault(c => c.Type == "Ready");
            throw new ReconcileFailedException(ready?.Reason ?? "RemoteFailed", $"on {host.Metadata.Name}: {remote.Status.Message}", ready?.Message);
        }
        if (stopped) return remote.Status.Phase == "Stopped" ? ReconcileResult.Done : ReconcileResult.After(TimeSpan.FromSeconds(1));
        return ReconcileResult.After(answering ? Resync : TimeSpan.FromSeconds(1));
    }

    /// <summary>Removal: the agent removes what it made; the forwards go. Waits until the agent has forgotten the instance.</summary>
    public async Task<FinalizeResult> FinalizeAsync(Instance instance, CancellationToken ct)
    {
        await forwards.RemoveAsync(instance, ct);
        await workspace.RemoveAsync(instance, ct);
        if (await store.GetAsync(new ResourceKey(RemoteHost.KindName, "", instance.Spec.RemoteHost!), ct) is not RemoteHost host)
            return FinalizeResult.Done; // the host is gone: nothing to reach
        var (_, agent) = await ConnectAsync(host, ct);
        var p = instance.Metadata.Namespace;
        var i = instance.Metadata.Name;
        if (await Call(() => agent.GetAsync(p, i, ct)) is null) return FinalizeResult.Done;
        await Call(() => agent.DeleteAsync(p, i, ct));
        return await Call(() => agent.GetAsync(p, i, ct)) is null
            ? FinalizeResult.Done
            : FinalizeResult.Waiting("RemoteRemoving", $"waiting for {host.Metadata.Name} to remove the remote instance", TimeSpan.FromMilliseconds(500));
    }

    private static List<PortHop> Hops(RemoteInstance remote, Instance instance) =>
        remote.Status.Ports.Join(instance.Status.Ports, r => r.Name, l => l.Name, (r, l) => new PortHop(r.Name, l.Dynamic, r.RemoteDynamic)).ToList();

    /// <summary>
    /// The injected values and the shared-service wiring, as the local path resolves them; null (with the reason in
    /// Ready) while a secret is being extracted or a shared service is starting (their watches wake the instance).
    /// </summary>
    private async Task<(InjectedValues, RemoteSharedServices)?> InjectedAndSharedAsync(Instance instance, Project project, CancellationToken ct)
    {
        if (injection is null && InstanceInjection.Injects(project))
            throw new TerminalReconcileException(InstanceReasons.SecretUnavailable, "this controller cannot inject secrets or [inject] values");
        var (injected, waiting) = injection is null ? (InjectedValues.None, null) : await injection.ResolveAsync(project, ct);
        if (injected is null)
        {
            await WriteWaitingAsync(instance, InstanceReasons.WaitingForSecrets, waiting!, ct);
            return null;
        }
        if (project.Spec.SharedServices.Count == 0) return (injected, RemoteSharedServices.None);
        await new SharedServices.SharedServiceStep(store, engine!).EnsureResourcesAsync(project, ct);
        if (!await SharedServices.SharedServiceStep.ReadyForAsync(store, project, instance, ct))
        {
            await WriteWaitingAsync(instance, InstanceReasons.WaitingForSharedServices, "waiting for the project's shared services", ct);
            return null;
        }
        var shared = await RemoteSharedServices.ForAsync(store, project, instance.Metadata.Name, ct);
        return (shared.WithFiles(injected), shared);
    }

    private async Task<(Ssh.SshConnection, AgentClient)> ConnectAsync(RemoteHost host, CancellationToken ct)
    {
        try { return await agents.GetAsync(host, ct); }
        catch (Exception e) when (e is Ssh.SshConnectException or Ssh.HostKeyMismatchException or InvalidOperationException)
        {
            throw new ReconcileFailedException("RemoteHostUnreachable", $"remote host '{host.Metadata.Name}': {e.Message}");
        }
    }

    private static async Task<RemoteInstance?> WaitObservedAsync(AgentClient agent, string p, string i, long generation, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        RemoteInstance? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Call(() => agent.GetAsync(p, i, ct));
            if (last is { } r && r.Status.ObservedGeneration == generation && r.Status.Phase is not "Pending") return r;
            await Task.Delay(250, ct);
        }
        return last;
    }

    private async Task<bool> LocalPortsAnswerAsync(Instance instance, Project project, CancellationToken ct)
    {
        var probes = instance.Status.Ports.Select(x => probe.AnswersAsync(x.Dynamic, project.Spec.Healthchecks.GetValueOrDefault(x.Name), ct));
        return (await Task.WhenAll(probes)).All(a => a);
    }

    private Task WriteSyncingAsync(Instance instance, string message, CancellationToken ct) =>
        WriteWaitingAsync(instance, InstanceReasons.WorkspaceSyncing, message, ct);

    private async Task WriteWaitingAsync(Instance instance, string reason, string message, CancellationToken ct)
    {
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        var gen = latest.Metadata.Generation;
        var changed = latest.Status.Phase != "Starting" | latest.Status.ObservedGeneration != gen;
        latest.Status.Phase = "Starting";
        latest.Status.ObservedGeneration = gen;
        changed |= Conditions.Set(latest.Status.Conditions, ConditionTypes.Ready, ConditionStatus.False, reason, message, gen, clock.GetUtcNow());
        if (changed) await store.UpdateStatusAsync(latest, ct);
    }

    private async Task WriteStatusAsync(Instance instance, RemoteHost host, RemoteInstance remote, List<PortHop> hops, bool answering, bool stopped, CancellationToken ct)
    {
        var latest = (Instance)(await store.GetAsync(instance.Key, ct))!;
        var gen = latest.Metadata.Generation;
        var now = clock.GetUtcNow();
        foreach (var port in latest.Status.Ports)
            port.RemoteDynamic = hops.FirstOrDefault(h => h.Service == port.Name)?.RemoteDynamic;
        latest.Status.Container = remote.Status.Container is { } c ? $"{host.Metadata.Name}:{c}" : null;
        latest.Status.Build = remote.Spec.Build;
        latest.Status.Inventory = [.. remote.Status.Inventory.Select(x => $"{host.Metadata.Name}:{x}")];
        var switched = remote.Status.WorktreeDone && latest.Status.Worktree != remote.Status.Worktree;
        if (remote.Status.WorktreeDone) latest.Status.Worktree = remote.Status.Worktree;
        if (remote.Status.Conditions.FirstOrDefault(x => x.Type == ConditionTypes.WorkspaceMounted) is { } mounted)
            Conditions.Set(latest.Status.Conditions, ConditionTypes.WorkspaceMounted, mounted.Status, mounted.Reason, $"on {host.Metadata.Name}: {mounted.Message}", gen, now);
        var remoteReady = remote.Status.Conditions.FirstOrDefault(x => x.Type == "Ready");
        var containers = remote.Status.Conditions.FirstOrDefault(x => x.Type == "ContainersReady");
        if (stopped && remote.Status.Phase != "Stopped")
        {
            // The agent is still stopping the DinD: not stopped yet.
            latest.Status.Phase = "Stopping";
            Conditions.Set(latest.Status.Conditions, "Ready", ConditionStatus.False, "Stopping", $"stopping on {host.Metadata.Name}", gen, now);
            Conditions.Set(latest.Status.Conditions, "Stopped", ConditionStatus.False, "Stopping", $"stopping on {host.Metadata.Name}", gen, now);
        }
        else if (stopped)
        {
            latest.Status.Phase = "Stopped";
            Conditions.Set(latest.Status.Conditions, "Ready", ConditionStatus.False, "Stopped", "instance is stopped", gen, now);
            Conditions.Set(latest.Status.Conditions, "Stopped", ConditionStatus.True, "Stopped", "instance is stopped", gen, now);
        }
        else
        {
            latest.Status.Phase = answering ? "Running" : "Starting";
            Conditions.Set(latest.Status.Conditions, "Stopped", ConditionStatus.False, "Running", "instance should run", gen, now);
            Conditions.Set(latest.Status.Conditions, "ContainersReady", containers?.Status == "True" ? ConditionStatus.True : ConditionStatus.False,
                containers?.Reason ?? "Starting", containers?.Message ?? remote.Status.Message, gen, now);
            Conditions.Set(latest.Status.Conditions, "PortsReady", answering ? ConditionStatus.True : ConditionStatus.False,
                answering ? "Answering" : "NotAnswering", answering ? "every port answers through the SSH forwards" : "waiting for ports to answer", gen, now);
            Conditions.Set(latest.Status.Conditions, "Ready", answering ? ConditionStatus.True : ConditionStatus.False,
                answering ? "Running" : remoteReady?.Reason ?? "Starting",
                answering ? $"instance is running on {host.Metadata.Name}" : $"on {host.Metadata.Name}: {remote.Status.Message}", gen, now);
        }
        latest.Status.ObservedGeneration = gen;
        await store.UpdateStatusAsync(latest, ct);
        if (switched)
            await events.RecordAsync(instance.Key, "Normal", "Assigned", $"/workspace on {host.Metadata.Name} synced from {remote.Status.Worktree ?? "the project root"}"
                + (remote.Spec.AssignSteps.Count == 0 ? "" : ": " + string.Join(", ", remote.Spec.AssignSteps.Select(x => $"{x.Service} {x.Action}"))), ct);
        log.LogInformation("remote instance {Key} on {Host}: {Phase}", instance.Key, host.Metadata.Name, latest.Status.Phase);
    }

    /// <summary>An agent or transport failure is a retried condition, not an internal error.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (AgentException e) { throw new ReconcileFailedException("AgentError", e.Message); }
        catch (HttpRequestException e) { throw new ReconcileFailedException("AgentNotRunning", $"the remote agent did not answer: {e.Message}"); }
    }

    private static async Task Call(Func<Task> call) => await Call(async () => { await call(); return true; });
}
