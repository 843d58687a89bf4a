namespace Coast.ApiTypes.Model;

/// <summary>The envelope every Coast resource shares: apiVersion, kind, metadata.</summary>
public abstract class Resource
{
    public const string CurrentApiVersion = "coast.dev/v1alpha1";

    public string ApiVersion { get; set; } = CurrentApiVersion;
    public abstract string Kind { get; set; }
    public ObjectMeta Metadata { get; set; } = new();

    public ResourceKey Key => new(Kind, Metadata.Namespace, Metadata.Name);

    /// <summary>The spec as an untyped object, for hashing and generic handling.</summary>
    public abstract object SpecObject { get; }

    /// <summary>The status as the common base type.</summary>
    public abstract ResourceStatus StatusObject { get; }
}

/// <summary>A resource with a typed spec and status.</summary>
public abstract class Resource<TSpec, TStatus> : Resource
    where TSpec : class, new()
    where TStatus : ResourceStatus, new()
{
    public TSpec Spec { get; set; } = new();
    public TStatus Status { get; set; } = new();

    public override object SpecObject => Spec;
    public override ResourceStatus StatusObject => Status;
}
