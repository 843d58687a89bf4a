namespace Coast.ApiTypes.Model;

/// <summary>Condition reasons shared by every kind (those of one kind are next to it, e.g. InstanceReasons).</summary>
public static class Reasons
{
    /// <summary>A reconcile failed with an exception that names no reason of its own (retried with backoff).</summary>
    public const string ReconcileError = "ReconcileError";

    /// <summary>The project a Build or Instance names does not exist (terminal); the Project watch wakes them when it appears.</summary>
    public const string ProjectNotFound = "ProjectNotFound";
}
