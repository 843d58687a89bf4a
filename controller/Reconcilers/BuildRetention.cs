namespace Coast.Controller.Reconcilers;

/// <summary>How many completed builds per project are kept; older ones are pruned with their images.</summary>
public sealed record BuildRetention(int Keep = 3)
{
    /// <summary>`COAST_KEEP_BUILDS` (a whole number ≥ 1), default 3.</summary>
    public static BuildRetention FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("COAST_KEEP_BUILDS"), out var n) && n >= 1 ? new BuildRetention(n) : new BuildRetention();
}
