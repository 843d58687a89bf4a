namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// Delays between reconnect attempts: the first attempt after a drop is immediate (a killed session on a
/// live server comes back at once), then initial, 2x, 4x ... capped, each with ±20% jitter so many
/// connections to one host do not retry in lock step. Reset after a success.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    private int _failures;

    public int Failures => _failures;

    public TimeSpan Next()
    {
        var n = _failures++;
        if (n == 0) return TimeSpan.Zero;
        var raw = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(n - 1, 30)));
        var jittered = raw * (0.8 + _random() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, jittered));
    }

    public void Reset() => _failures = 0;
}
