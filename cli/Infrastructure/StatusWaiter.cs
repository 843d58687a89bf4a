using Coast.ApiTypes.Model;
using Coast.Controller.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>Waits until a resource satisfies a predicate, woken by store notifications (with a slow poll as a net).</summary>
public static class StatusWaiter
{
    /// <summary>Returns the resource (null when the predicate accepted its absence). Throws a timeout CliException.</summary>
    public static async Task<Resource?> WaitAsync(IResourceStore store, ResourceKey key, Func<Resource?, bool> done,
        TimeSpan timeout, CancellationToken ct, Func<Resource?, string>? describe = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var wake = new SemaphoreSlim(0);
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
        var poll = TimeSpan.FromMilliseconds(50);
        try
        {
            while (true)
            {
                current = await store.GetAsync(key, deadline.Token);
                if (done(current)) return current;
                // The watch wakes us on every write to this key. The poll covers writes that land before the
                // listen connection is up (hence it starts short) and a dropped connection.
                if (!await wake.WaitAsync(poll, deadline.Token)) poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, TimeSpan.TicksPerSecond * 2));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var detail = describe?.Invoke(current);
            throw new CliException($"timed out after {timeout.TotalSeconds:0.#}s waiting for {key}{(detail is null ? "" : $": {detail}")}", ExitCodes.Timeout);
        }
        finally
        {
            await deadline.CancelAsync();
            await watcher;
        }
    }
}
