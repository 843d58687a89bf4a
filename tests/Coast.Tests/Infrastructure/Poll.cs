namespace Coast.Tests.Infrastructure;

/// <summary>Polling with a deadline: how tests wait for something to become true (never a bare sleep).</summary>
public static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True as soon as the probe is; false when the deadline passed first (the probe runs once more at the deadline).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> probe, TimeSpan timeout, TimeSpan? interval = null) =>
        await ValueAsync(async () => await probe() ? "" : null, timeout, interval) is not null;

    /// <summary>The probe's first non-null value; null when the deadline passed first.</summary>
    public static async Task<T?> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, TimeSpan? interval = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(interval ?? DefaultInterval);
        }
        return await probe();
    }
}
