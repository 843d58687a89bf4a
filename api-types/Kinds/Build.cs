using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>A build of a project's images for one Coastfile content.</summary>
public sealed class Build : Resource<BuildSpec, BuildStatus>
{
    public const string KindName = "Build";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class BuildSpec
{
    public string Project { get; set; } = "";

    /// <summary>SHA-256 of the Coastfile (and compose file) this build is for.</summary>
    public string CoastfileHash { get; set; } = "";
}

public sealed class BuildStatus : ResourceStatus
{
    /// <summary>Per-build image tag by compose service name.</summary>
    public Dictionary<string, string> Images { get; set; } = new();

    /// <summary>Image the instance container runs (runtime image plus [coast.setup]).</summary>
    public string? InstanceImage { get; set; }
}
