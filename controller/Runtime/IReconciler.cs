using Coast.ApiTypes.Model;

namespace Coast.Controller.Runtime;

/// <summary>
/// Converges one resource of kind <typeparamref name="TResource"/>. Level-triggered: read desired and
/// actual state, act on the difference, be idempotent. Throwing means "retry with backoff"
/// (<see cref="ReconcileFailedException"/> names the reason reported in the Ready condition);
/// throwing <see cref="TerminalReconcileException"/> means "do not retry until the inputs change".
/// Deletion is handled by finalizers (<see cref="IFinalizer{TResource}"/>), not here.
/// </summary>
public interface IReconciler<in TResource> where TResource : Resource
{
    Task<ReconcileResult> ReconcileAsync(TResource resource, CancellationToken ct);
}

/// <summary>Cleans up what a resource owns outside the store before its finalizer is removed.</summary>
public interface IFinalizer<in TResource> where TResource : Resource
{
    /// <summary>The finalizer name put in metadata.finalizers, e.g. "coast.dev/instance-cleanup".</summary>
    string Name { get; }

    /// <summary>Cleans up; <see cref="FinalizeResult.Waiting"/> when something else must go first (the name stays, and the key is looked at again).</summary>
    Task<FinalizeResult> FinalizeAsync(TResource resource, CancellationToken ct);
}

/// <summary>Outcome of one finalizer pass: done (its name is removed), or waiting for something else to go first.</summary>
public sealed record FinalizeResult(string? WaitingReason = null, string? WaitingMessage = null, TimeSpan? RecheckAfter = null)
{
    public static FinalizeResult Done { get; } = new();

    /// <summary>Not finished: the resource stays. A watch usually wakes it first; <paramref name="recheck"/> is the fallback.</summary>
    public static FinalizeResult Waiting(string reason, string message, TimeSpan recheck) => new(reason, message, recheck);

    public bool IsDone => RecheckAfter is null;
}

/// <summary>Outcome of a successful reconcile; RequeueAfter asks for another pass later.</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();
    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>A failure retrying cannot fix (bad spec): recorded in conditions, not retried.</summary>
public sealed class TerminalReconcileException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// A known failure that may heal (a build step failed, a service exited, a port never answered): reported as
/// Ready=False with this reason and message, recorded as a Warning event, and retried with backoff. The event
/// carries <see cref="Summary"/> (default: the message): details that differ per attempt (log lines) belong in
/// the message only, so the same failure repeated stays one event with a growing count.
/// </summary>
public sealed class ReconcileFailedException(string reason, string message, string? summary = null) : Exception(message)
{
    public string Reason { get; } = reason;
    public string Summary { get; } = summary ?? message;
}
