using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;

namespace Coast.Controller.Runtime;

/// <summary>
/// The hosted reconcile loop for one kind. Keys come from the initial list, store notifications and a
/// jittered resync, filtered by <see cref="WakeFilter"/> (status-only writes do not wake; a failing key
/// waits for its backoff unless its inputs change); each reconcile re-reads the resource and acts on what
/// it finds (level-triggered). Runs only while this process holds the leader lease.
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
    TimeProvider clock,
    ILogger<ResourceController<TResource>> log) : BackgroundService
    where TResource : Resource
{
    private readonly string _kind = ResourceKinds.All.Single(k => k.ClrType == typeof(TResource)).Kind;
    private readonly WakeFilter _filter = new(new Backoff(options.BackoffBase, options.BackoffMax));
    private Backoff _backoff => _filter.Backoff;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeaderLoop.RunAsync(elector, RunWhileLeadingAsync,
            () => log.LogWarning("{Kind} controller paused: leadership lost", _kind), stoppingToken);

    private async Task RunWhileLeadingAsync(CancellationToken ct)
    {
        using var queue = new WorkQueue(clock);
        // List after the listen is established (and again after it reconnects): a write between a list and a
        // later LISTEN would be seen by neither, as a project applied right after a leader takeover was.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            await foreach (var key in store.WatchAsync(ct, () => { if (!listening.TrySetResult()) _ = RelistAsync(queue, ct); }))
                if (key.Kind == _kind && await WakesAsync(key, ct)) queue.Add(key);
        }, ct);
        var outside = wakeSources.Where(w => w.Kind == _kind).Select(w => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    // An outside event must not bypass the backoff of a failing key: a failed create can
                    // itself produce events (the engine destroys the half-made container) and would loop.
                    await foreach (var key in w.WatchAsync(ct))
                        if (_filter.FromOutside(key)) queue.Add(key);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Wake source for {Kind} failed: {Message}; reconnecting", _kind, e.Message);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
        }, ct)).ToList();
        // Bounded: without a listen (database trouble) the list still runs, and the resync covers the rest.
        try { await listening.Task.WaitAsync(ListenWait, clock, ct); }
        catch (TimeoutException) { log.LogWarning("{Kind} controller: no change listener after {Wait}; listing anyway", _kind, ListenWait); }
        await EnqueueAllAsync(queue, ct);
        var resync = Task.Run(async () =>
        {
            while (true)
            {
                var jitter = 0.9 + Random.Shared.NextDouble() * 0.2;
                await Task.Delay(options.ResyncPeriod * jitter, clock, ct);
                await EnqueueAllAsync(queue, ct, resync: true);
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

    private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(5);

    /// <summary>After the listen reconnected: writes in the gap were not seen, so list again (failing keys keep their backoff).</summary>
    private async Task RelistAsync(WorkQueue queue, CancellationToken ct)
    {
        try { await EnqueueAllAsync(queue, ct, resync: true); }
        catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("{Kind} relist after reconnect failed: {Message}", _kind, e.Message); }
    }

    private async Task EnqueueAllAsync(WorkQueue queue, CancellationToken ct, bool resync = false)
    {
        foreach (var r in await store.ListAsync(_kind, null, null, ct))
            if (!resync || _filter.FromResync(r.Key)) queue.Add(r.Key);
    }

    /// <summary>Does this committed write change what the key's reconcile acts on? A failed read wakes (fail open).</summary>
    private async Task<bool> WakesAsync(ResourceKey key, CancellationToken ct)
    {
        try
        {
            return _filter.FromStore(key, await store.GetAsync(key, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogDebug(e, "Could not read {Key} to filter its wake-up; waking it", key);
            return true;
        }
    }

    private async Task ProcessAsync(ResourceKey key, WorkQueue queue, CancellationToken ct)
    {
        monitor.Started(key);
        try
        {
            var stored = await store.GetAsync(key, ct);
            _filter.Observed(key, stored);
            if (stored is not TResource resource)
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
            // Not retried: the status write below does not wake the key, so it waits for a change of its inputs.
            _backoff.Forget(key);
            await ReportAsync(key, e.Reason, e.Message, ct);
            monitor.Failed(key, e);
        }
        catch (Exception e)
        {
            // Retried after the key's backoff whatever else happens: the report below writes status, which
            // does not wake the key (WakeFilter), so only this schedule or a change of the inputs runs it again.
            var delay = _backoff.Next(key);
            queue.AddAfter(key, delay);
            var (reason, message, summary) = e is ReconcileFailedException known
                ? (known.Reason, known.Message, known.Summary) : (Reasons.ReconcileError, e.Message, e.Message);
            log.LogWarning(e is ReconcileFailedException ? null : e, "Reconcile of {Key} failed ({Reason}: {Message}); attempt {Attempt}, retrying in {Delay}",
                key, reason, message, _backoff.Failures(key), delay);
            // The event message is the cause alone, so the same failure repeated is one event with a growing count.
            await ReportAsync(key, reason, message, ct, summary);
            monitor.Retrying(key, delay);
            monitor.Failed(key, e);
        }
    }

    /// <summary>Records a failure as a Warning event and Ready=False; a failure to report is logged, never fatal to the loop.</summary>
    private async Task ReportAsync(ResourceKey key, string reason, string message, CancellationToken ct, string? summary = null)
    {
        try
        {
            await events.RecordAsync(key, "Warning", reason, summary ?? message, ct);
            await MarkNotReadyAsync(key, reason, message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("Could not report the failure of {Key}: {Message}", key, e.Message);
        }
    }

    private async Task MarkNotReadyAsync(ResourceKey key, string reason, string message, CancellationToken ct)
    {
        try
        {
            if (await store.GetAsync(key, ct) is not { } current) return;
            if (Conditions.Set(current.StatusObject.Conditions, ConditionTypes.Ready, ConditionStatus.False, reason, message,
                    current.Metadata.Generation, clock.GetUtcNow()))
            {
                current.StatusObject.ObservedGeneration = current.Metadata.Generation;
                await store.UpdateStatusAsync(current, ct);
            }
        }
        catch (ConflictException)
        {
            // Someone wrote in between; the next attempt reports again.
        }
    }
}
