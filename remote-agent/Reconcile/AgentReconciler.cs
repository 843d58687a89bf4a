using System.Threading.Channels;
using Coast.ApiTypes.Remote;
using Coast.Controller.Ports;
using Coast.Controller.Runtime;
using Coast.RemoteAgent.Runtime;
using Coast.RemoteAgent.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coast.RemoteAgent.Reconcile;

/// <summary>
/// The agent's reconcile loop: level-triggered over every stored remote instance, woken by each API write
/// and every <see cref="Resync"/>. It holds the remote dynamic ports of each service (allocated once, kept
/// across restarts, released with the service or the instance), converges the DinD side of each instance
/// that names an instance image (<see cref="RemoteDind"/>: a stopped container or a dead inner service is
/// repaired on the next pass), removes what a deleted instance made, and removes containers of this agent
/// that no stored instance owns. A failing instance backs off (1 s doubling to 60 s) without holding up others.
/// </summary>
public sealed class AgentReconciler(AgentStore store, PortAllocator ports, RemoteDind dind, SharedBindPorts sharedBinds, TimeProvider clock, ILogger<AgentReconciler> log)
    : BackgroundService
{
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(10);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<(string, string), (int Failures, DateTimeOffset NotBefore, long Generation)> _backoff = new();
    private bool _orphansChecked;

    /// <summary>Asks for a pass soon (called after every API write).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var all = await store.ListAsync();
            foreach (var instance in all)
            {
                var key = (instance.Project, instance.Name);
                if (_backoff.TryGetValue(key, out var b) && b.Generation == instance.Generation && !instance.Deleting && clock.GetUtcNow() < b.NotBefore)
                    continue;
                try
                {
                    await ReconcileAsync(instance, ct);
                    _backoff.Remove(key);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    var failures = (b.Generation == instance.Generation ? b.Failures : 0) + 1;
                    var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures - 1)));
                    _backoff[key] = (failures, clock.GetUtcNow() + delay, instance.Generation);
                    var reason = e is ReconcileFailedException f ? f.Reason : "ReconcileError";
                    log.LogWarning("{Project}/{Name}: {Reason}: {Error} (retry in {Delay})", instance.Project, instance.Name, reason, e.Message, delay);
                    await store.SetStatusAsync(instance.Project, instance.Name, instance.Status with
                    {
                        Phase = "Failed",
                        Message = e.Message,
                        Conditions = [new("Ready", "False", reason, e.Message)],
                    });
                }
            }
            if (!_orphansChecked) await RemoveOrphansAsync(all, ct);
            using var timer = new CancellationTokenSource(Resync, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try { await _wake.Reader.ReadAsync(either.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        }
    }

    internal async Task ReconcileAsync(RemoteInstance instance, CancellationToken ct = default)
    {
        if (instance.Deleting)
        {
            if (instance.Status.Inventory.Count > 0 || instance.Spec.InstanceImage is not null)
                await dind.RemoveAsync(instance.Project, instance.Name, ct);
            await store.ForgetAsync(instance.Project, instance.Name);
            log.LogInformation("{Project}/{Name}: removed", instance.Project, instance.Name);
            return;
        }
        await store.ReleasePortsExceptAsync(instance.Project, instance.Name, SharedBindPorts.Kept(instance.Spec));
        var binds = await sharedBinds.EnsureAsync(instance.Project, instance.Name, instance.Spec);
        var held = await store.PortsOfAsync(instance.Project, instance.Name);
        foreach (var service in instance.Spec.Ports.Keys.Where(s => !held.ContainsKey(s)))
            held[service] = await ReserveAsync(instance, service);
        var remotePorts = instance.Spec.Ports.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new RemotePort(p.Key, p.Value, held[p.Key])).ToList();

        var status = instance.Spec.InstanceImage is null
            ? new RemoteInstanceStatus
            {
                Phase = "Pending",
                Message = "remote ports allocated; waiting for an instance image in the spec",
                ObservedGeneration = instance.Generation,
                Ports = remotePorts,
            }
            : await dind.ConvergeAsync(instance, remotePorts, binds, ct);
        if (!SameStatus(status, instance.Status)) await store.SetStatusAsync(instance.Project, instance.Name, status);
    }

    /// <summary>Once per agent start: what this agent made for instances it no longer stores goes (they vanished from its store).</summary>
    private async Task RemoveOrphansAsync(IReadOnlyList<RemoteInstance> all, CancellationToken ct)
    {
        try
        {
            var removed = await dind.RemoveOrphansAsync(all.Select(i => (i.Project, i.Name)).ToHashSet(), ct);
            foreach (var name in removed) log.LogInformation("removed {Container}: no stored instance owns it", name);
            _orphansChecked = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No engine (yet): the next pass tries again.
            log.LogDebug("orphan check: {Error}", e.Message);
        }
    }

    private async Task<int> ReserveAsync(RemoteInstance instance, string service)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = ports.Allocate(await store.AllPortsAsync());
            if (await store.ReservePortAsync(instance.Project, instance.Name, service, port)) return port;
        }
        throw new InvalidOperationException($"could not reserve a remote port for '{service}' after 20 attempts");
    }

    private static bool SameStatus(RemoteInstanceStatus a, RemoteInstanceStatus b) =>
        a.Phase == b.Phase && a.Message == b.Message && a.ObservedGeneration == b.ObservedGeneration && a.Ports.SequenceEqual(b.Ports)
        && a.Conditions.SequenceEqual(b.Conditions) && a.Container == b.Container && a.ComposeHash == b.ComposeHash
        && a.Inventory.SequenceEqual(b.Inventory) && a.Worktree == b.Worktree && a.WorktreeDone == b.WorktreeDone;
}
