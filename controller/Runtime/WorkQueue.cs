using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>
/// The controller work queue: one entry per key (adds of a queued key are merged), at most one
/// in-flight reconcile per key (a key added while in flight runs again after it finishes), and delayed adds.
/// </summary>
internal sealed class WorkQueue(TimeProvider clock) : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<ResourceKey> _order = new();
    private readonly HashSet<ResourceKey> _queued = new();
    private readonly HashSet<ResourceKey> _inFlight = new();
    private readonly HashSet<ResourceKey> _dirty = new();
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

    /// <summary>Adds the key after a delay (requeue, backoff); cancelled by shutdown.</summary>
    public void AddAfter(ResourceKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        _ = Task.Delay(delay, clock, _shutdown.Token).ContinueWith(
            t => { if (!t.IsCanceled) Add(key); }, TaskScheduler.Default);
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
