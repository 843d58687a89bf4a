using System.Threading.Channels;
using Coast.Controller.Ports;
using Coast.RemoteAgent.Api;
using Coast.RemoteAgent.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coast.RemoteAgent.Reconcile;

/// <summary>
/// The agent's reconcile loop: level-triggered over every stored remote instance, woken by each API
/// write and every <see cref="Resync"/>. Today it holds the remote dynamic ports of each service
/// (allocated once, kept across restarts, released with the service or the instance) and forgets
/// deleted instances; running the DinD side itself comes next, over the controller's runtime code.
/// </summary>
public sealed class AgentReconciler(AgentStore store, PortAllocator ports, TimeProvider clock, ILogger<AgentReconciler> log) : BackgroundService
{
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(10);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a pass soon (called after every API write).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var instance in await store.ListAsync())
            {
                try { await ReconcileAsync(instance); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("{Project}/{Name}: {Error}", instance.Project, instance.Name, e.Message);
                    await store.SetStatusAsync(instance.Project, instance.Name, instance.Status with { Phase = "Failed", Message = e.Message });
                }
            }
            using var timer = new CancellationTokenSource(Resync, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try { await _wake.Reader.ReadAsync(either.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        }
    }

    internal async Task ReconcileAsync(RemoteInstance instance)
    {
        if (instance.Deleting)
        {
            await store.ForgetAsync(instance.Project, instance.Name);
            log.LogInformation("{Project}/{Name}: removed", instance.Project, instance.Name);
            return;
        }
        await store.ReleasePortsExceptAsync(instance.Project, instance.Name, instance.Spec.Ports.Keys.ToList());
        var held = await store.PortsOfAsync(instance.Project, instance.Name);
        foreach (var service in instance.Spec.Ports.Keys.Where(s => !held.ContainsKey(s)))
            held[service] = await ReserveAsync(instance, service);

        var status = new RemoteInstanceStatus
        {
            Phase = "Pending",
            Message = "remote ports allocated; running the instance's DinD on the agent is not implemented yet",
            ObservedGeneration = instance.Generation,
            Ports = instance.Spec.Ports.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new RemotePort(p.Key, p.Value, held[p.Key])).ToList(),
        };
        if (!SameStatus(status, instance.Status)) await store.SetStatusAsync(instance.Project, instance.Name, status);
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
        a.Phase == b.Phase && a.Message == b.Message && a.ObservedGeneration == b.ObservedGeneration && a.Ports.SequenceEqual(b.Ports);
}
