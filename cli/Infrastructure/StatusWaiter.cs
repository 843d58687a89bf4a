using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>Waits until a resource satisfies a predicate; a timeout is a CliException with exit code 5.</summary>
public static class StatusWaiter
{
    /// <summary>Returns the resource (null when the predicate accepted its absence).</summary>
    public static async Task<Resource?> WaitAsync(IResourceStore store, ResourceKey key, Func<Resource?, bool> done,
        TimeSpan timeout, CancellationToken ct, Func<Resource?, string>? describe = null)
    {
        var (ok, last) = await ResourceWaiter.WaitAsync(store, key, done, timeout, ct);
        if (ok) return last;
        var detail = describe?.Invoke(last);
        throw new CliException($"timed out after {timeout.TotalSeconds:0.#}s waiting for {key}{(detail is null ? "" : $": {detail}")}", ExitCodes.Timeout);
    }
}
