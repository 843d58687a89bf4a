namespace Coast.ApiTypes.Model;

/// <summary>A Kubernetes-shaped condition. LastTransitionTime changes only when Status flips.</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";

    /// <summary>True, False or Unknown (see <see cref="ConditionStatus"/>).</summary>
    public string Status { get; set; } = ConditionStatus.Unknown;

    /// <summary>CamelCase machine-readable reason.</summary>
    public string Reason { get; set; } = "";

    public string Message { get; set; } = "";
    public long ObservedGeneration { get; set; }
    public DateTimeOffset LastTransitionTime { get; set; }
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
