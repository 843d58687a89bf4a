using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>
/// The controller work queue: one entry per key (adds of a queued key are merged), at most one
/// in-flight reconcile per key (a key added while in flight runs again after it finishes), and delayed adds
/// (the newest delayed add of a key replaces an earlier one still pending, so retries never pile up).
/// </summary>
internal sealed class WorkQueue(TimeProvider clock) : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<ResourceKey> _order = new();
    private readonly HashSet<ResourceKey> _queued = new();
    private readonly HashSet<ResourceKey> _inFlight = new();
    private readonly HashSet<ResourceKey> _dirty = new();
    private readonly Dictionary<ResourceKey, long> _pendingDelay = new();
    private long _nextTicket;
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _shutdown = new();

    public int Count { get { lock (_gate) return _order.Count; } }

    public void Add(ResourceKey key)
    {
        lock (_gate)
        {
            if (_inFlight.Contains(key))
            {
                _dirty.Add(key);
                return;
            }
            if (!_queued.Add(key)) return;
            _order.Enqueue(key);
        }
        _available.Release();
    }

    /// <summary>Adds the key after a delay (requeue, backoff), replacing a pending delayed add of it; cancelled by shutdown.</summary>
    public void AddAfter(ResourceKey key, TimeSpan delay)
    {
        long ticket;
        lock (_gate)
        {
            ticket = ++_nextTicket;
            _pendingDelay[key] = ticket;
        }
        if (delay <= TimeSpan.Zero)
        {
            Fire(key, ticket);
            return;
        }
        _ = Task.Delay(delay, clock, _shutdown.Token).ContinueWith(
            t => { if (!t.IsCanceled) Fire(key, ticket); }, TaskScheduler.Default);
    }

    /// <summary>Keys with a delayed add still pending (for tests and diagnostics).</summary>
    public int PendingDelayed { get { lock (_gate) return _pendingDelay.Count; } }

    private void Fire(ResourceKey key, long ticket)
    {
        lock (_gate)
        {
            if (!_pendingDelay.TryGetValue(key, out var current) || current != ticket) return;
            _pendingDelay.Remove(key);
        }
        Add(key);
    }

    /// <summary>Waits for the next key and marks it in flight. Call <see cref="Done"/> when finished.</summary>
    public async Task<ResourceKey> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            await _available.WaitAsync(ct);
            lock (_gate)
            {
                if (_order.Count == 0) continue;
                var key = _order.Dequeue();
                _queued.Remove(key);
                _inFlight.Add(key);
                return key;
            }
        }
    }

    public void Done(ResourceKey key)
    {
        bool again;
        lock (_gate)
        {
            _inFlight.Remove(key);
            again = _dirty.Remove(key);
        }
        if (again) Add(key);
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
    }
}
