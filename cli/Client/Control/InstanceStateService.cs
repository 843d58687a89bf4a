using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Client.Control;

/// <summary>
/// `coast start|stop NAME`: sets an instance's desired state and waits until the controller reports it
/// (Ready for Running, Stopped for Stopped), or a terminal reason. Shared by the CLI and the control socket.
/// </summary>
public static class InstanceStateService
{
    public static async Task<OperationResult> SetStateAsync(IResourceStore store, string project, string name, string state, TimeSpan timeout,
        CancellationToken ct, Func<CancellationToken, Task>? afterWrite = null)
    {
        var key = new ResourceKey(Instance.KindName, project, name);
        for (var attempt = 0; ; attempt++)
        {
            if (await store.GetAsync(key, ct) is not Instance current)
                return new(OperationOutcome.NotFound, $"Instance '{name}' not found in project '{project}'. Run `coast ls` to see instances.");
            if (current.Spec.State == state) break;
            current.Spec.State = state;
            try
            {
                await store.UpdateAsync(current, ct);
                break;
            }
            catch (ConflictException) when (attempt < 5)
            {
                // A status write came in between; read again and retry.
            }
        }
        if (afterWrite is not null) await afterWrite(ct);

        OperationResult? result = null;
        var (_, last) = await ResourceWaiter.WaitAsync(store, key, r =>
        {
            result = Judge(r as Instance, name, state);
            return result is not null;
        }, timeout, ct);
        var ready = Conditions.Get(last?.StatusObject.Conditions ?? [], ConditionTypes.Ready);
        return result ?? new(OperationOutcome.TimedOut,
            $"timed out after {timeout.TotalSeconds:0.#}s waiting for {key}: {last?.StatusObject.Phase}: {ready?.Message ?? "no controller has reported on it; is one running? (`coast daemon status`)"}");
    }

    private static OperationResult? Judge(Instance? current, string name, string state)
    {
        if (current is null) return new(OperationOutcome.Failed, $"instance '{name}' was deleted while waiting for it");
        var running = state == InstanceStates.Running;
        var wanted = Conditions.Get(current.Status.Conditions, running ? ConditionTypes.Ready : ConditionTypes.Stopped);
        if (wanted is { Status: ConditionStatus.True } && wanted.ObservedGeneration >= current.Metadata.Generation)
            return new(OperationOutcome.Done, $"{(running ? "Started" : "Stopped")} coast instance {name}");
        var ready = Conditions.Get(current.Status.Conditions, ConditionTypes.Ready);
        if (running && ready is { Status: ConditionStatus.False } && ready.ObservedGeneration >= current.Metadata.Generation && InstanceReasons.StartFailures.Contains(ready.Reason))
            return new(OperationOutcome.Failed, $"{ready.Reason}: {ready.Message}");
        return null;
    }
}
