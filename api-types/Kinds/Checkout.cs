using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>Which instance of a project holds the canonical ports on the host. One per project.</summary>
public sealed class Checkout : Resource<CheckoutSpec, CheckoutStatus>
{
    public const string KindName = "Checkout";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class CheckoutSpec
{
    public string Project { get; set; } = "";

    /// <summary>The checked-out instance; null frees the canonical ports.</summary>
    public string? Instance { get; set; }
}

public sealed class CheckoutStatus : ResourceStatus
{
    public List<BoundPort> BoundPorts { get; set; } = new();
}

public sealed class BoundPort
{
    public string Name { get; set; } = "";
    public int Canonical { get; set; }
    public int Target { get; set; }
}
