namespace Coast.ApiTypes.Model;

/// <summary>The condition types Coast's controllers report (`coast wait --for condition=X` names one of these).</summary>
public static class ConditionTypes
{
    /// <summary>Every kind: the resource is what its spec asks for.</summary>
    public const string Ready = "Ready";

    /// <summary>Instance: the DinD container and its compose services are up.</summary>
    public const string ContainersReady = "ContainersReady";

    /// <summary>Instance: every declared port answers.</summary>
    public const string PortsReady = "PortsReady";

    /// <summary>Instance: /workspace is mounted from the worktree spec.worktree names (checked on every reconcile).</summary>
    public const string WorkspaceMounted = "WorkspaceMounted";

    /// <summary>Instance: stopped as asked (volumes kept).</summary>
    public const string Stopped = "Stopped";
}
