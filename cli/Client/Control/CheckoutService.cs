using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Client.Control;

/// <summary>
/// `coast checkout`: writes the project's Checkout (desired state) and waits until the controller reports
/// it Ready, or a terminal reason. One implementation for the CLI's direct path and the control socket.
/// </summary>
public static class CheckoutService
{
        public static async Task<OperationResult> CheckoutAsync(IResourceStore store, string project, string? instance, TimeSpan timeout,
        CancellationToken ct, Func<CancellationToken, Task>? afterWrite = null)
    {
        if (instance is not null && await store.GetAsync(new ResourceKey(Instance.KindName, project, instance), ct) is null)
            return new(OperationOutcome.NotFound, $"Instance '{instance}' not found in project '{project}'. Run `coast ls` to see instances.");
        var checkout = new Checkout { Metadata = { Name = project, Namespace = project }, Spec = { Project = project, Instance = instance } };
        if (await store.GetAsync(new ResourceKey(Project.KindName, project, project), ct) is { Metadata.DeletionTimestamp: null } owner)
            Owners.Set(checkout, owner);
        await store.ApplyAsync([checkout], ct);
        if (afterWrite is not null) await afterWrite(ct);

        OperationResult? result = null;
        var (_, last) = await ResourceWaiter.WaitAsync(store, checkout.Key, r =>
        {
            result = Judge(r as Checkout, project, instance);
            return result is not null;
        }, timeout, ct);
        return result ?? new(OperationOutcome.TimedOut, $"timed out after {timeout.TotalSeconds:0.#}s waiting for {checkout.Key}: " +
            (Conditions.Get(last?.StatusObject.Conditions ?? [], ConditionTypes.Ready)?.Message ?? "no controller has reported on it; is one running? (`coast daemon status`)"));
    }

    /// <summary>The result once the controller has reported on the current generation; null while it has not.</summary>
    private static OperationResult? Judge(Checkout? current, string project, string? instance)
    {
        if (current is null) return new(OperationOutcome.Failed, $"the checkout of project {project} was deleted while waiting for it");
        var ready = Conditions.Get(current.Status.Conditions, ConditionTypes.Ready);
        if (ready is null || ready.ObservedGeneration < current.Metadata.Generation) return null;
        if (ready.Status == ConditionStatus.True) return new(OperationOutcome.Done, Describe(project, instance, current));
        return CheckoutReasons.Terminal.Contains(ready.Reason) ? new(OperationOutcome.Failed, $"{ready.Reason}: {ready.Message}") : null;
    }

    private static string Describe(string project, string? instance, Checkout done) => instance is null
        ? $"Released the canonical ports of project {project}"
        : $"Checked out coast instance {instance} ({string.Join(", ", done.Status.BoundPorts.Select(b => $"localhost:{b.Canonical}"))})";
}
