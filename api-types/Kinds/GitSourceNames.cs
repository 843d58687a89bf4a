namespace Coast.ApiTypes.Kinds;

/// <summary>Condition types, reasons, labels and annotations of GitSources (one place, no repeated literals).</summary>
public static class GitSourceNames
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    public const string Succeeded = "ReconciliationSucceeded";
    public const string Progressing = "Progressing";
    public const string FetchFailed = "FetchFailed";
    public const string ValidationFailed = "ValidationFailed";
    public const string OwnershipConflict = "OwnershipConflict";
    public const string ApplyFailed = "ApplyFailed";
    public const string CredentialsNotFound = "CredentialsNotFound";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string HostKeyMismatch = "HostKeyMismatch";
    public const string Suspended = "Suspended";

    /// <summary>Label on every resource a source applied: the source's name (its owner; Flux's kustomize.toolkit.fluxcd.io/name).</summary>
    public const string OwnerLabel = "coast.dev/gitsource";

    /// <summary>Annotation that asks for an immediate reconcile; its value is echoed in status.lastHandledReconcileAt.</summary>
    public const string ReconcileRequestedAnnotation = "coast.dev/reconcile-requested-at";

    /// <summary>Annotation on an applied resource: never pruned (`coast.dev/prune: disabled`).</summary>
    public const string PruneAnnotation = "coast.dev/prune";
    public const string PruneDisabled = "disabled";

    public const string Finalizer = "coast.dev/gitsource-inventory";
}
