using Coast.ApiTypes.Model;

namespace Coast.Client.Store;

/// <summary>Waits until a resource satisfies a predicate, woken by the store's change notifications.</summary>
public static class ResourceWaiter
{
    /// <summary>
    /// Returns (true, resource) once <paramref name="done"/> accepts it (the resource is null when absent),
    /// or (false, last seen) when the timeout passes.
    /// </summary>
    public static async Task<(bool Done, Resource? Last)> WaitAsync(IResourceStore store, ResourceKey key, Func<Resource?, bool> done,
        TimeSpan timeout, CancellationToken ct)
    {
        // Fast path: a resource that is already done needs no listen connection (opening and closing one cost
        // a `coast checkout` that changed nothing about half a second).
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            first.CancelAfter(timeout);
            var now = await store.GetAsync(key, first.Token);
            if (done(now)) return (true, now);
        }

        // The deadline token is the normal way out; this backstop holds the timeout even if a database call
        // ignores its cancellation (the CLI once waited past its own --timeout).
        Resource? seen = null;
        var wait = WaitCoreAsync(store, key, r => { seen = r; return done(r); }, timeout, ct);
        var backstop = Task.Delay(timeout + Backstop, ct);
        if (await Task.WhenAny(wait, backstop) == wait) return await wait;
        ct.ThrowIfCancellationRequested();
        _ = wait.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        return (false, seen);
    }

    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(3);

    private static async Task<(bool Done, Resource? Last)> WaitCoreAsync(IResourceStore store, ResourceKey key, Func<Resource?, bool> done,
        TimeSpan timeout, CancellationToken ct)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var wake = new SemaphoreSlim(0); // not disposed: the watcher may still release it after we return
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var k in store.WatchAsync(deadline.Token))
                    if (k == key) wake.Release();
            }
            catch (OperationCanceledException) { }
            // The watcher only wakes the poll loop: a broken listen connection leaves the polls to do the work.
            catch (Exception e) when (e is ObjectDisposedException or Npgsql.NpgsqlException or InvalidOperationException) { }
        }, CancellationToken.None);

        Resource? current = null;
        // The watch wakes us on every write to this key. Polls cover writes that land before the listen
        // connection is up (hence they start short) and a dropped connection.
        var poll = TimeSpan.FromMilliseconds(10);
        try
        {
            while (true)
            {
                current = await store.GetAsync(key, deadline.Token);
                if (done(current)) return (true, current);
                if (!await wake.WaitAsync(poll, deadline.Token)) poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, TimeSpan.TicksPerSecond * 2));
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (e is OperationCanceledException || deadline.IsCancellationRequested))
        {
            // At the deadline a database call may fail with its own error (a broken connection) instead of a cancellation.
            return (false, current);
        }
        finally
        {
            // Cancelled off this path (a token's callbacks run inside Cancel) and waited for a bounded time.
            // Not disposed: the watcher may still be registering on its token (that raced into ObjectDisposedException).
            _ = Task.Run(deadline.Cancel, CancellationToken.None);
            try { await watcher.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None); }
            catch (TimeoutException) { }
        }
    }
}
