using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Runtime;

/// <summary>
/// The hosted reconcile loop for one kind. Keys come from the initial list, store notifications and a
/// jittered resync; each reconcile re-reads the resource and acts on what it finds (level-triggered).
/// Runs only while this process holds the leader lease.
/// </summary>
internal sealed class ResourceController<TResource>(
    IResourceStore store,
    IReconciler<TResource> reconciler,
    FinalizerRunner<TResource> finalizers,
    IEventRecorder events,
    ILeaderElector elector,
    ControllerOptions options,
    ReconcileMonitor monitor,
    IEnumerable<IWakeSource> wakeSources,
    ILogger<ResourceController<TResource>> log) : BackgroundService
    where TResource : Resource
{
    private readonly string _kind = ResourceKinds.All.Single(k => k.ClrType == typeof(TResource)).Kind;
    private readonly Backoff _backoff = new(options.BackoffBase, options.BackoffMax);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(elector, RunWhileLeadingAsync,
            () => log.LogWarning("{Kind} controller paused: leadership lost", _kind), stoppingToken);

    private async Task RunWhileLeadingAsync(CancellationToken ct)
    {
        using var queue = new WorkQueue(TimeProvider.System);
        var watch = Task.Run(async () =>
        {
            await foreach (var key in store.WatchAsync(ct))
                if (key.Kind == _kind) queue.Add(key);
        }, ct);
        var outside = wakeSources.Where(w => w.Kind == _kind).Select(w => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    // An outside event must not bypass the backoff of a failing key: a failed create can
                    // itself produce events (the engine destroys the half-made container) and would loop,
                    // so after three failures only the backoff schedule retries.
                    await foreach (var key in w.WatchAsync(ct))
                        if (_backoff.Failures(key) < 3) queue.Add(key);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Wake source for {Kind} failed: {Message}; reconnecting", _kind, e.Message);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }, ct)).ToList();
        await EnqueueAllAsync(queue, ct);
        var resync = Task.Run(async () =>
        {
            while (true)
            {
                var jitter = 0.9 + Random.Shared.NextDouble() * 0.2;
                await Task.Delay(options.ResyncPeriod * jitter, ct);
                await EnqueueAllAsync(queue, ct);
            }
        }, ct);
        var workers = Enumerable.Range(0, Math.Max(1, options.Parallelism)).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var key = await queue.TakeAsync(ct);
                try { await ProcessAsync(key, queue, ct); }
                finally { queue.Done(key); }
            }
        }, ct));
        await Task.WhenAll(workers.Append(watch).Append(resync).Concat(outside));
    }

    private async Task EnqueueAllAsync(WorkQueue queue, CancellationToken ct)
    {
        foreach (var r in await store.ListAsync(_kind, null, null, ct)) queue.Add(r.Key);
    }

    private async Task ProcessAsync(ResourceKey key, WorkQueue queue, CancellationToken ct)
    {
        monitor.Started(key);
        try
        {
            if (await store.GetAsync(key, ct) is not TResource resource)
            {
                _backoff.Forget(key);
                return;
            }
            if (resource.Metadata.DeletionTimestamp is not null)
            {
                if (await finalizers.FinalizeAsync(resource, ct) is { } recheck) queue.AddAfter(key, recheck);
            }
            else
            {
                resource = await finalizers.EnsurePresentAsync(resource, ct);
                var result = await reconciler.ReconcileAsync(resource, ct);
                if (result.RequeueAfter is { } after) queue.AddAfter(key, after);
            }
            _backoff.Forget(key);
            monitor.Succeeded(key);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (ConflictException)
        {
            queue.AddAfter(key, options.ConflictRetry);
        }
        catch (TerminalReconcileException e)
        {
            _backoff.Forget(key);
            monitor.Failed(key, e);
            await events.RecordAsync(key, "Warning", e.Reason, e.Message, ct);
            await MarkNotReadyAsync(key, e, ct);
        }
        catch (Exception e)
        {
            var delay = _backoff.Next(key);
            monitor.Failed(key, e);
            log.LogWarning(e, "Reconcile of {Key} failed; retrying in {Delay}", key, delay);
            await events.RecordAsync(key, "Warning", "ReconcileError", $"{e.Message} (retry {_backoff.Failures(key)} in {delay.TotalSeconds:0.#}s)", ct);
            queue.AddAfter(key, delay);
        }
    }

    private async Task MarkNotReadyAsync(ResourceKey key, TerminalReconcileException e, CancellationToken ct)
    {
        try
        {
            if (await store.GetAsync(key, ct) is not { } current) return;
            if (Conditions.Set(current.StatusObject.Conditions, "Ready", ConditionStatus.False, e.Reason, e.Message,
                    current.Metadata.Generation, DateTimeOffset.UtcNow))
            {
                current.StatusObject.ObservedGeneration = current.Metadata.Generation;
                await store.UpdateStatusAsync(current, ct);
            }
        }
        catch (ConflictException)
        {
            // The next reconcile (woken by that other write) reports again.
        }
    }
}
