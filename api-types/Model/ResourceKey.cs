namespace Coast.ApiTypes.Model;

/// <summary>Identifies one resource: the work-queue key of the reconcilers.</summary>
public readonly record struct ResourceKey(string Kind, string Namespace, string Name)
{
    /// <summary>"Kind/namespace/name", or "Kind/name" for cluster-scoped resources.</summary>
    public override string ToString() =>
        string.IsNullOrEmpty(Namespace) ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    public static ResourceKey Parse(string text)
    {
        var parts = text.Split('/');
        return parts.Length switch
        {
            2 => new ResourceKey(parts[0], "", parts[1]),
            3 => new ResourceKey(parts[0], parts[1], parts[2]),
            _ => throw new FormatException($"'{text}' is not a resource key (Kind/namespace/name)."),
        };
    }
}
