using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>Condition reasons of a Build.</summary>
public static class BuildReasons
{
    public const string Building = "Building";
    public const string Built = "Built";
    public const string ProjectNotFound = Reasons.ProjectNotFound;
    public const string RuntimeImageMissing = "RuntimeImageMissing";
    public const string ComposeFileMissing = "ComposeFileMissing";
    public const string ComposeFileInvalid = "ComposeFileInvalid";
    public const string ImageNotFound = "ImageNotFound";
    public const string ImageBuildFailed = "ImageBuildFailed";

    /// <summary>Ready=False reasons after which `coast build` stops waiting and fails (the controller may still retry a build step).</summary>
    public static readonly IReadOnlySet<string> Failures = new HashSet<string>
    {
        ProjectNotFound, RuntimeImageMissing, ComposeFileMissing, ComposeFileInvalid, ImageNotFound, ImageBuildFailed,
    };
}
