namespace Coast.Controller.Instances;

/// <summary>Times the phases of one reconcile, for a one-line summary in the controller log.</summary>
public sealed class PhaseTimer(TimeProvider clock)
{
    private readonly long _start = clock.GetTimestamp();
    private readonly List<(string Phase, TimeSpan Took)> _phases = new();
    private TimeSpan _last;

    public void Mark(string phase)
    {
        var now = Total;
        _phases.Add((phase, now - _last));
        _last = now;
    }

    public TimeSpan Total => clock.GetElapsedTime(_start);

    public override string ToString() =>
        $"{Total.TotalSeconds:0.00} s ({string.Join(", ", _phases.Select(p => $"{p.Phase} {p.Took.TotalSeconds:0.00} s"))})";
}
