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
    public const string InnerEngineStarting = "InnerEngineStarting";
    public const string InnerEngineNotAnswering = "InnerEngineNotAnswering";
    public const string ComposeUpFailed = "ComposeUpFailed";
    public const string ServiceExited = "ServiceExited";
    public const string PortsNotAnswering = "PortsNotAnswering";
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
        SharedServiceFailed,
    };

    /// <summary>Ready=False reasons `coast ls` shows as "error": the start failures and a generic reconcile error.</summary>
    public static readonly IReadOnlySet<string> Errors = new HashSet<string>(StartFailures) { Reasons.ReconcileError };
}
