namespace Coast.ApiTypes.Model;

/// <summary>Observed state common to every kind.</summary>
public class ResourceStatus
{
    /// <summary>Which metadata.generation this status describes.</summary>
    public long ObservedGeneration { get; set; }

    public string? Phase { get; set; }
    public List<Condition> Conditions { get; set; } = new();
}
