using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>Condition reasons of an Instance, and the sets of them the CLI and the watches look for.</summary>
public static class InstanceReasons
{
    /// <summary>No completed build to run yet (phase Pending); the Build watch wakes the instance when one is ready.</summary>
    public const string WaitingForBuild = "WaitingForBuild";

    /// <summary>A shared service of the project is not ready yet, or failed (its message says why).</summary>
    public const string WaitingForSharedServices = "WaitingForSharedServices";
    public const string SharedServiceFailed = "SharedServiceFailed";

    /// <summary>The project does not exist (terminal for Instances and Builds alike); the Project watch wakes them when it appears.</summary>
    public const string ProjectNotFound = Reasons.ProjectNotFound;

    public const string RemoteNotSupported = "RemoteNotSupported";

    /// <summary>Remote: the workspace's bulk copy to the host is running (the DinD starts after it).</summary>
    public const string WorkspaceSyncing = "WorkspaceSyncing";
    /// <summary>Remote: the workspace's bulk copy failed (rsync's message; retried with backoff).</summary>
    public const string WorkspaceSyncFailed = "WorkspaceSyncFailed";
    public const string InnerEngineStarting = "InnerEngineStarting";
    public const string InnerEngineNotAnswering = "InnerEngineNotAnswering";
    public const string ComposeUpFailed = "ComposeUpFailed";
    public const string ServiceExited = "ServiceExited";
    public const string PortsNotAnswering = "PortsNotAnswering";

    /// <summary>A secret's extractor failed, or an [inject] value is missing on the host.</summary>
    public const string SecretUnavailable = "SecretUnavailable";

    /// <summary>A secret is still being extracted (phase Pending); the Secret watch wakes the instance.</summary>
    public const string WaitingForSecrets = "WaitingForSecrets";

    /// <summary>A [volumes] entry could not be made (its snapshot_source is missing, or the copy failed).</summary>
    public const string VolumeUnavailable = "VolumeUnavailable";
    /// <summary>WorkspaceMounted: /workspace shows the expected worktree, or it does not (its message says what it shows).</summary>
    public const string WorkspaceMatches = "WorkspaceMatches";
    public const string WorkspaceMismatch = "WorkspaceMismatch";

    /// <summary>spec.worktree names a directory that does not exist under the project root (terminal until it does).</summary>
    public const string WorktreeMissing = "WorktreeMissing";

    /// <summary>Switching /workspace or one of the [assign] actions failed (its message says which).</summary>
    public const string AssignFailed = "AssignFailed";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Stopped = "Stopped";

    /// <summary>PortsReady: every port answers, or not yet.</summary>
    public const string Answering = "Answering";
    public const string NotAnswering = "NotAnswering";

    /// <summary>
    /// Ready=False reasons that mean a start will not succeed by waiting longer: `coast run` and `coast start` fail
    /// with the controller's message (which carries the services' last log lines) while the controller keeps
    /// retrying. A generic ReconcileError is not among them: it is often transient (a controller restarted mid-start).
    /// </summary>
    public static readonly IReadOnlySet<string> StartFailures = new HashSet<string>
    {
        ProjectNotFound, RemoteNotSupported, ServiceExited, ComposeUpFailed, PortsNotAnswering, InnerEngineNotAnswering,
        SecretUnavailable, VolumeUnavailable, SharedServiceFailed, WorktreeMissing, AssignFailed,
    };

    /// <summary>Ready=False reasons `coast ls` shows as "error": the start failures and a generic reconcile error.</summary>
    public static readonly IReadOnlySet<string> Errors = new HashSet<string>(StartFailures) { Reasons.ReconcileError };
}
