using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Waits for a resource's condition while printing each new progress message (the condition's
/// message), and fails fast when the controller reports a terminal reason.
/// </summary>
public static class ProgressWaiter
{
    public static async Task<Resource> WaitAsync(IResourceStore store, ResourceKey key, string condition, TextWriter progress,
        TimeSpan timeout, CancellationToken ct, IReadOnlySet<string>? failureReasons = null, string wantStatus = ConditionStatus.True)
    {
        string? last = null;
        string? failure = null;
        var done = await StatusWaiter.WaitAsync(store, key, r =>
        {
            if (r is null) { failure = $"{key} was deleted"; return true; }
            var c = Conditions.Get(r.StatusObject.Conditions, condition);
            var ready = Conditions.Get(r.StatusObject.Conditions, "Ready");
            var message = ready?.Message ?? c?.Message;
            if (message is not null && message != last)
            {
                progress.WriteLine($"  {message}");
                last = message;
            }
            if (c is not null && c.Status == wantStatus && c.ObservedGeneration >= r.Metadata.Generation) return true;
            // A failure reported for an older generation (before this start or edit) is not this attempt's.
            if (ready is { Status: ConditionStatus.False } && ready.ObservedGeneration >= r.Metadata.Generation && failureReasons?.Contains(ready.Reason) == true)
            {
                failure = $"{ready.Reason}: {ready.Message}";
                return true;
            }
            return false;
        }, timeout, ct, r => r is null ? "gone" : $"{r.StatusObject.Phase}: {Conditions.Get(r.StatusObject.Conditions, "Ready")?.Message}");
        if (failure is not null) throw new CliException(failure);
        return done!;
    }
}
