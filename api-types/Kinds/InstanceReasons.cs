namespace Coast.ApiTypes.Kinds;

/// <summary>Ready=False reasons of an Instance that the CLI and the watches look for.</summary>
public static class InstanceReasons
{
    /// <summary>No completed build to run yet (phase Pending); the Build watch wakes the instance when one is ready.</summary>
    public const string WaitingForBuild = "WaitingForBuild";
}
