using Coast.ApiTypes.Model;

namespace Coast.Controller.Store;

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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var wake = new SemaphoreSlim(0);
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var k in store.WatchAsync(deadline.Token))
                    if (k == key) wake.Release();
            }
            catch (OperationCanceledException) { }
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
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, current);
        }
        finally
        {
            await deadline.CancelAsync();
            await watcher;
        }
    }
}
