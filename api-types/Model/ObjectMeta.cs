namespace Coast.ApiTypes.Model;

/// <summary>Standard metadata carried by every resource (Kubernetes shape).</summary>
public sealed class ObjectMeta
{
    public string Name { get; set; } = "";

    /// <summary>The project the resource belongs to; empty for cluster-scoped kinds such as RemoteHost.</summary>
    public string Namespace { get; set; } = "";

    public string? Uid { get; set; }

    /// <summary>Increases only when spec changes. Set by the store.</summary>
    public long Generation { get; set; }

    /// <summary>Opaque version for optimistic concurrency. Set by the store; a stale value on write is a conflict.</summary>
    public string? ResourceVersion { get; set; }

    public Dictionary<string, string> Labels { get; set; } = new();
    public Dictionary<string, string> Annotations { get; set; } = new();
    public List<string> Finalizers { get; set; } = new();
    public List<OwnerReference> OwnerReferences { get; set; } = new();
    public DateTimeOffset? CreationTimestamp { get; set; }
    public DateTimeOffset? DeletionTimestamp { get; set; }
}
