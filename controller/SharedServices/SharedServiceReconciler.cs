using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.SharedServices;

/// <summary>
/// Converges a SharedService on the host engine: the project's shared network, the named volumes (kept: data), the
/// container (recreated when its spec hash drifts, stopped when spec.stopped), a restart when the restart annotation
/// changes, and auto_create_db's database per consuming instance. A missing image or a taken host port is a
/// condition with the real cause and a retry with backoff; a failed pass removes the container and the volumes
/// and network it made itself, so repeated failures leave nothing behind.
/// </summary>
public sealed class SharedServiceReconciler(IResourceStore store, IEventRecorder events, IContainerEngine engine, IBuiltInImages builtIn, TimeProvider clock,
    SharedServiceHealth? health = null)
    : IReconciler<SharedService>
{
    private readonly SharedServiceHealth _health = health ?? new(SharedServiceHealthSettings.Default);

    public async Task<ReconcileResult> ReconcileAsync(SharedService shared, CancellationToken ct)
    {
        var plan = SharedServicePlan.For(shared);
        var name = plan.Container.Name;
        var consumers = await ConsumersAsync(shared, ct);
        var container = await engine.InspectAsync(name, ct);
        if (shared.Spec.Stopped)
        {
            if (container is { Running: true })
            {
                await engine.StopAsync(name, TimeSpan.FromSeconds(10), ct);
                await events.RecordAsync(shared.Key, "Normal", "Stopped", $"stopped {name} (volumes kept)", ct);
            }
            await WriteAsync(shared, s =>
            {
                s.Status.Phase = "Stopped";
                s.Status.Consumers = consumers;
                SetReady(s, ConditionStatus.False, SharedServiceReasons.Stopped, "stopped; `coast shared-services start` starts it again");
            }, ct);
            return ReconcileResult.Done;
        }

        if (builtIn.Knows(shared.Spec.Image) && !await engine.ImageExistsAsync(shared.Spec.Image, ct))
        {
            // Coast's own images are made here from Debian packages (once per machine; about a minute).
            await events.RecordAsync(shared.Key, "Normal", "BuildingImage", $"building {shared.Spec.Image} from Debian packages", ct);
            await builtIn.EnsureAsync(shared.Spec.Image, ct);
        }
        if (!await engine.ImageExistsAsync(shared.Spec.Image, ct))
        {
            if (container is not null) await engine.RemoveAsync(name, ct);
            throw new ReconcileFailedException(SharedServiceReasons.ImageMissing,
                $"image '{shared.Spec.Image}' of shared service '{shared.Spec.Service}' ([shared_services.{shared.Spec.Service}] image) is not on this Docker engine; " +
                "no registry is reachable here, so build it locally (`docker build -t <image> ...`) or use coast/postgres:15 or coast/redis:7, which Coast builds itself");
        }

        var made = new List<Func<Task>>();
        try
        {
            await engine.EnsureNetworkAsync(plan.Container.Network,
                new Dictionary<string, string> { [CoastLabels.Managed] = "true", [CoastLabels.Project] = shared.Spec.Project }, ct);
            var existingVolumes = (await engine.ListVolumesAsync(plan.Labels, ct)).ToHashSet();
            foreach (var volume in plan.NamedVolumes.Where(v => !existingVolumes.Contains(v)))
            {
                await engine.EnsureVolumeAsync(volume, plan.Labels, ct);
                made.Add(() => engine.RemoveVolumeAsync(volume, CancellationToken.None));
            }
            if (container is not null && container.Labels.GetValueOrDefault(CoastLabels.SpecHash) != plan.Container.Labels[CoastLabels.SpecHash])
            {
                await events.RecordAsync(shared.Key, "Normal", "Recreating", $"configuration of {name} changed; recreating it (volumes kept)", ct);
                await engine.RemoveAsync(name, ct);
                container = null;
            }
            if (container is null)
            {
                await engine.CreateServiceContainerAsync(plan.Container, ct);
                made.Insert(0, () => engine.RemoveAsync(name, CancellationToken.None));
                await events.RecordAsync(shared.Key, "Normal", "Created", $"created {name} on {plan.Container.Network}", ct);
            }
            var restart = shared.Metadata.Annotations.GetValueOrDefault(SharedService.RestartAnnotation);
            if (restart is not null && restart != shared.Status.Restarted && container is { Running: true })
            {
                await engine.StopAsync(name, TimeSpan.FromSeconds(10), ct);
                await events.RecordAsync(shared.Key, "Normal", "Restarting", $"restarting {name}", ct);
                container = container with { Running = false };
            }
            if (container is { Running: false } && restart == shared.Status.Restarted && shared.Status.Phase is "Running" or "Starting" or "Unhealthy")
                await events.RecordAsync(shared.Key, "Warning", "ContainerRestarted", $"{name} was not running (it exited or was stopped outside Coast); starting it again", ct);
            if (container is not { Running: true }) await StartAsync(shared, name, ct);
            made.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A container that cannot start goes too (it would hold its name and nothing else), as does what this pass made.
            if (e is ReconcileFailedException && made.Count == 0) await engine.RemoveAsync(name, CancellationToken.None);
            foreach (var undo in made) await undo();
            await engine.RemoveNetworkAsync(plan.Container.Network, CancellationToken.None);
            throw;
        }

        var address = await engine.NetworkAddressAsync(name, plan.Container.Network, ct);
        var databases = new List<string>();
        if (await SharedServiceHealth.ProblemAsync(engine, name, shared.Spec, ct) is { } problem)
            return await UnhealthyAsync(shared, name, consumers, problem, ct);
        _health.Passed(shared.Key);
        if (shared.Spec.AutoCreateDb)
        {
            foreach (var instance in consumers)
            {
                var db = SharedServiceDatabases.NameFor(instance);
                await SharedServiceDatabases.EnsureAsync(engine, name, shared.Spec, db, ct);
                databases.Add($"{instance}={db}");
            }
        }
        await WriteAsync(shared, s =>
        {
            s.Status.Container = name;
            s.Status.Network = plan.Container.Network;
            s.Status.Address = address;
            s.Status.Consumers = consumers;
            s.Status.Databases = databases;
            s.Status.HostPorts = SharedServicePlan.Ports(s.Spec).Select(p => $"{p.HostPort}:{p.ContainerPort}").ToList();
            s.Status.Restarted = shared.Metadata.Annotations.GetValueOrDefault(SharedService.RestartAnnotation);
            s.Status.Phase = "Running";
            SetReady(s, ConditionStatus.True, SharedServiceReasons.Running, $"{name} is running on {plan.Container.Network}");
        }, ct);
        // Checked again periodically: a container that dies wakes it at once (SharedServiceEventWakeSource), a server that stops answering does not.
        return ReconcileResult.After(_health.Settings.Period);
    }

    /// <summary>
    /// The container runs but the service fails its own check: still starting (it never answered since it started), or
    /// Unhealthy (it did), with the check's own words in Ready; after the grace it is restarted, with backoff.
    /// </summary>
    private async Task<ReconcileResult> UnhealthyAsync(SharedService shared, string name, List<string> consumers, string problem, CancellationToken ct)
    {
        var ready = Conditions.Get(shared.Status.Conditions, ConditionTypes.Ready);
        var wasUp = ready is { Status: ConditionStatus.True } || ready?.Reason == SharedServiceReasons.Unhealthy;
        if (_health.FailedAndRepairDue(shared.Key, clock.GetUtcNow(), out var repairs))
        {
            await events.RecordAsync(shared.Key, "Warning", "Repairing", $"{problem}; restarting {name} (repair {repairs})", ct);
            await engine.StopAsync(name, TimeSpan.FromSeconds(10), ct);
            await StartAsync(shared, name, ct);
        }
        var what = SharedServicePlan.IsPostgres(shared.Spec) ? "Postgres" : "Redis";
        await WriteAsync(shared, s =>
        {
            s.Status.Phase = wasUp ? "Unhealthy" : "Starting";
            s.Status.Consumers = consumers;
            // A restart is done once the container started again; recorded now so the next pass does not restart it again.
            s.Status.Restarted = shared.Metadata.Annotations.GetValueOrDefault(SharedService.RestartAnnotation);
            if (wasUp) SetReady(s, ConditionStatus.False, SharedServiceReasons.Unhealthy, repairs > 0 ? $"{problem}; restarted {repairs} time(s)" : problem);
            else SetReady(s, ConditionStatus.False, SharedServiceReasons.Starting, $"waiting for {what} to answer");
        }, ct);
        return ReconcileResult.After(TimeSpan.FromMilliseconds(wasUp ? 1000 : 300));
    }

    private async Task StartAsync(SharedService shared, string name, CancellationToken ct)
    {
        try { await engine.StartAsync(name, ct); }
        catch (HostPortTakenException)
        {
            var ports = string.Join(", ", SharedServicePlan.Ports(shared.Spec).Select(p => p.HostPort));
            throw new ReconcileFailedException(SharedServiceReasons.HostPortTaken,
                $"host port {ports} of shared service '{shared.Spec.Service}' ([shared_services.{shared.Spec.Service}] ports) is taken by another program; " +
                "free it or choose another host port (\"HOST:CONTAINER\")");
        }
        if (await engine.InspectAsync(name, ct) is not { Running: true })
            throw new ReconcileFailedException(SharedServiceReasons.StartFailed, $"shared service '{shared.Spec.Service}' exited right after starting; see `docker logs {name}`");
    }

    /// <summary>The instances of the project that exist and are not being deleted, by name.</summary>
    private async Task<List<string>> ConsumersAsync(SharedService shared, CancellationToken ct) =>
        (await store.ListAsync(Instance.KindName, shared.Metadata.Namespace, null, ct)).Cast<Instance>()
            .Where(i => i.Spec.Project == shared.Spec.Project && i.Metadata.DeletionTimestamp is null)
            .Select(i => i.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    private void SetReady(SharedService s, string status, string reason, string message) =>
        Conditions.Set(s.Status.Conditions, ConditionTypes.Ready, status, reason, message, s.Metadata.Generation, clock.GetUtcNow());

    /// <summary>Re-reads, applies the change, and writes the status only when it changed (a write wakes watchers).</summary>
    private async Task WriteAsync(SharedService shared, Action<SharedService> change, CancellationToken ct)
    {
        var latest = (SharedService)(await store.GetAsync(shared.Key, ct))!;
        var before = Coast.ApiTypes.Serialization.ResourceJson.Serialize(latest);
        change(latest);
        latest.Status.ObservedGeneration = latest.Metadata.Generation;
        if (Coast.ApiTypes.Serialization.ResourceJson.Serialize(latest) != before) await store.UpdateStatusAsync(latest, ct);
    }
}
