namespace Coast.ApiTypes.Model;

/// <summary>Points from a child resource to the resource that owns it; deleting the owner collects the child.</summary>
public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = Resource.CurrentApiVersion;
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string Uid { get; set; } = "";
    public bool Controller { get; set; } = true;
}
