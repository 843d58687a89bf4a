using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Controller.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// Reports whether a Checkout can hold the canonical ports: its instance must exist. Binding the ports
/// on the host is added with local instances.
/// </summary>
public sealed class CheckoutReconciler(IResourceStore store, IEventRecorder events, TimeProvider clock) : IReconciler<Checkout>
{
    public async Task<ReconcileResult> ReconcileAsync(Checkout checkout, CancellationToken ct)
    {
        var (status, reason, message) = await EvaluateAsync(checkout, ct);
        var changed = Conditions.Set(checkout.Status.Conditions, "Ready", status, reason, message, checkout.Metadata.Generation, clock.GetUtcNow());
        if (changed || checkout.Status.ObservedGeneration != checkout.Metadata.Generation)
        {
            checkout.Status.ObservedGeneration = checkout.Metadata.Generation;
            checkout.Status.Phase = status == ConditionStatus.True ? "Ready" : "Pending";
            await store.UpdateStatusAsync(checkout, ct);
            await events.RecordAsync(checkout.Key, status == ConditionStatus.True ? "Normal" : "Warning", reason, message, ct);
        }
        // An instance created later must be noticed: look again soon while it is missing.
        return status == ConditionStatus.True ? ReconcileResult.Done : ReconcileResult.After(TimeSpan.FromSeconds(5));
    }

    private async Task<(string, string, string)> EvaluateAsync(Checkout checkout, CancellationToken ct)
    {
        if (checkout.Spec.Instance is not { } name)
            return (ConditionStatus.True, "NoInstance", "no instance checked out; canonical ports are free");
        var instance = await store.GetAsync(new ResourceKey(Instance.KindName, checkout.Metadata.Namespace, name), ct);
        return instance is null
            ? (ConditionStatus.False, "InstanceNotFound", $"instance '{name}' does not exist in project '{checkout.Metadata.Namespace}'")
            : (ConditionStatus.True, "InstanceFound", $"instance '{name}' is checked out");
    }
}
