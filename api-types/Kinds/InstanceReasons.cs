namespace Coast.ApiTypes.Kinds;

/// <summary>Ready=False reasons that the CLI and the watches look for.</summary>
public static class InstanceReasons
{
    /// <summary>No completed build to run yet (phase Pending); the Build watch wakes the instance when one is ready.</summary>
    public const string WaitingForBuild = "WaitingForBuild";

    /// <summary>The project does not exist (terminal for Instances and Builds alike); the Project watch wakes them when it appears.</summary>
    public const string ProjectNotFound = "ProjectNotFound";
}
