using System.Text.Json.Serialization;

namespace Coast.ApiTypes.Model;

/// <summary>The envelope every Coast resource shares: apiVersion, kind, metadata.</summary>
public abstract class Resource
{
    public const string CurrentApiVersion = "coast.dev/v1alpha1";

    [JsonPropertyOrder(-10)]
    public string ApiVersion { get; set; } = CurrentApiVersion;
    [JsonPropertyOrder(-9)]
    public abstract string Kind { get; set; }
    [JsonPropertyOrder(-8)]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonIgnore]
    public ResourceKey Key => new(Kind, Metadata.Namespace, Metadata.Name);

    /// <summary>The spec as an untyped object, for hashing and generic handling.</summary>
    [JsonIgnore]
    public abstract object SpecObject { get; }

    /// <summary>The status as the common base type.</summary>
    [JsonIgnore]
    public abstract ResourceStatus StatusObject { get; }

    /// <summary>Takes the status of another resource of the same kind (the store keeps status apart from spec writes).</summary>
    public abstract void CopyStatusFrom(Resource other);
}

/// <summary>A resource with a typed spec and status.</summary>
public abstract class Resource<TSpec, TStatus> : Resource
    where TSpec : class, new()
    where TStatus : ResourceStatus, new()
{
    [JsonPropertyOrder(-7)]
    public TSpec Spec { get; set; } = new();
    [JsonPropertyOrder(-6)]
    public TStatus Status { get; set; } = new();

    [JsonIgnore]
    public override object SpecObject => Spec;
    [JsonIgnore]
    public override ResourceStatus StatusObject => Status;

    public override void CopyStatusFrom(Resource other) =>
        Status = other is Resource<TSpec, TStatus> same ? same.Status
            : throw new ArgumentException($"cannot copy the status of a {other.Kind} to a {Kind}", nameof(other));
}
