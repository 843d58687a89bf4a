namespace Coast.Controller.Runtime;

/// <summary>Tuning of the reconcile runtime.</summary>
public sealed record ControllerOptions
{
    /// <summary>Reconciles running at once per kind.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Every resource is re-reconciled this often (± 10% jitter) even without events.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before retrying after a write conflict (someone else wrote first).</summary>
    public TimeSpan ConflictRetry { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often orphaned children are looked for, besides on deletions.</summary>
    public TimeSpan GarbageCollectionPeriod { get; init; } = TimeSpan.FromSeconds(30);
}
