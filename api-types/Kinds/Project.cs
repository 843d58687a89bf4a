using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>A project: everything its Coastfile says.</summary>
public sealed class Project : Resource<ProjectSpec, ProjectStatus>
{
    public const string KindName = "Project";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class ProjectStatus : ResourceStatus
{
    /// <summary>Name of the newest Build that completed for this project.</summary>
    public string? LatestBuild { get; set; }
}
