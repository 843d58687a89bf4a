using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Ports;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Reconcilers;

/// <summary>
/// Binds the project's canonical ports on the host to the checked-out instance's dynamic ports (in-process
/// forwarders, see docs/checkout.md). A switch only swaps forwarder targets. A port another program holds
/// is reported in the Ready condition, never silently skipped. Bindings live in this controller process:
/// after a restart the first reconcile (every resource is listed on start) binds them again.
/// </summary>
public sealed class CheckoutReconciler(IResourceStore store, IEventRecorder events, CanonicalPortBinder binder, TimeProvider clock)
    : IReconciler<Checkout>, IFinalizer<Checkout>
{
    public string Name => "coast.dev/checkout-ports";

    public async Task<ReconcileResult> ReconcileAsync(Checkout checkout, CancellationToken ct)
    {
        var project = checkout.Metadata.Namespace;
        List<BoundPort> bound = [];
        string status, reason, message;
        if (checkout.Spec.Instance is not { } name)
        {
            await binder.UnbindAsync(project);
            (status, reason, message) = (ConditionStatus.True, CheckoutReasons.NoInstance, "no instance checked out; canonical ports are free");
        }
        else if (await store.GetAsync(new ResourceKey(Instance.KindName, project, name), ct) is not Instance instance)
        {
            await binder.UnbindAsync(project);
            (status, reason, message) = (ConditionStatus.False, CheckoutReasons.InstanceNotFound, $"instance '{name}' does not exist in project '{project}'");
        }
        else
        {
            var results = await binder.BindAsync(project, instance.Status.Ports.Select(p => new PortTarget(p.Name, p.Canonical, p.Dynamic)).ToList());
            bound = results.Where(r => r.Bound).Select(r => new BoundPort { Name = r.Port.Name, Canonical = r.Port.Canonical, Target = r.Port.TargetPort }).ToList();
            var problems = results.Where(r => !r.Bound).Select(r => r.Problem!).ToList();
            (status, reason, message) = problems.Count > 0
                ? (ConditionStatus.False, CheckoutReasons.PortInUse, string.Join("; ", problems))
                : instance.Status.Ports.Count == 0
                    ? (ConditionStatus.True, CheckoutReasons.InstanceFound, $"instance '{name}' is checked out (it has no ports yet)")
                    : (ConditionStatus.True, CheckoutReasons.PortsBound, $"instance '{name}' holds {string.Join(", ", bound.Select(b => b.Canonical))}");
        }

        var changed = Conditions.Set(checkout.Status.Conditions, ConditionTypes.Ready, status, reason, message, checkout.Metadata.Generation, clock.GetUtcNow());
        var portsChanged = ResourceJsonEquals(checkout.Status.BoundPorts, bound) is false;
        if (changed || portsChanged || checkout.Status.ObservedGeneration != checkout.Metadata.Generation)
        {
            checkout.Status.BoundPorts = bound;
            checkout.Status.ObservedGeneration = checkout.Metadata.Generation;
            checkout.Status.Phase = status == ConditionStatus.True ? "Ready" : "Pending";
            await store.UpdateStatusAsync(checkout, ct);
            await events.RecordAsync(checkout.Key, status == ConditionStatus.True ? "Normal" : "Warning", reason, message, ct);
        }
        // Changes of the instance (appears, new ports, goes) wake this key through the Instance watch
        // (CheckoutWatches). Only a port another program holds cannot be watched: look again for that.
        return reason == CheckoutReasons.PortInUse ? ReconcileResult.After(TimeSpan.FromSeconds(2)) : ReconcileResult.Done;
    }

    public async Task<FinalizeResult> FinalizeAsync(Checkout checkout, CancellationToken ct)
    {
        await binder.UnbindAsync(checkout.Metadata.Namespace);
        return FinalizeResult.Done;
    }

    private static bool ResourceJsonEquals(List<BoundPort> a, List<BoundPort> b) =>
        a.Count == b.Count && a.Zip(b).All(x => x.First.Name == x.Second.Name && x.First.Canonical == x.Second.Canonical && x.First.Target == x.Second.Target);
}
