using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>
/// Converges a Tunnel: its forwards live on the RemoteHost's one shared connection (through
/// <see cref="TunnelSupervisor"/>, whose health loop probes and heals them), and status says what the
/// last probe found. Deleting the Tunnel removes its forwards and nothing else on the connection.
/// </summary>
public sealed class TunnelReconciler(IResourceStore store, IEventRecorder events, RemoteHostConnections connections,
    TunnelSupervisor supervisor, TimeProvider clock) : IReconciler<Tunnel>, IFinalizer<Tunnel>
{
    /// <summary>Status is rewritten at least this often while ports answer, so lastProbe stays roughly current.</summary>
    public static readonly TimeSpan StatusHeartbeat = TimeSpan.FromSeconds(60);

    public string Name => "coast.dev/tunnel-forwards";

    public async Task<ReconcileResult> ReconcileAsync(Tunnel tunnel, CancellationToken ct)
    {
        var (_, ssh) = await ConnectOrCloseAsync(tunnel, ct);
        var previous = tunnel.Status.Forwards.Where(f => f.LocalPort > 0).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().LocalPort);
        var runtime = await supervisor.EnsureAsync(tunnel.Key, ssh, tunnel.Spec, previous, ct);
        await ReportAsync(tunnel, runtime, ct);
        return ReconcileResult.After(StatusHeartbeat);
    }

    public async Task<FinalizeResult> FinalizeAsync(Tunnel tunnel, CancellationToken ct)
    {
        await supervisor.RemoveAsync(tunnel.Key);
        return FinalizeResult.Done;
    }

    private async Task<(RemoteHost, Remote.Ssh.SshConnection)> ConnectOrCloseAsync(Tunnel tunnel, CancellationToken ct)
    {
        try
        {
            return await RemoteHostAccess.ConnectAsync(store, connections, tunnel.Spec.RemoteHost, ct);
        }
        catch (TerminalReconcileException e)
        {
            // The host is gone or refuses us: what this process still holds for the tunnel is of no use.
            await supervisor.RemoveAsync(tunnel.Key);
            foreach (var p in tunnel.Status.Forwards.Concat(tunnel.Status.ReverseBinds)) (p.Healthy, p.LastError) = (false, e.Message);
            tunnel.Status.Phase = "Degraded";
            tunnel.Status.ObservedGeneration = tunnel.Metadata.Generation;
            Conditions.Set(tunnel.Status.Conditions, "Ready", ConditionStatus.False, e.Reason, e.Message, tunnel.Metadata.Generation, clock.GetUtcNow());
            await store.UpdateStatusAsync(tunnel, ct);
            throw;
        }
    }

    private async Task ReportAsync(Tunnel tunnel, TunnelRuntime runtime, CancellationToken ct)
    {
        var s = tunnel.Status;
        var (forwards, reverse) = runtime.Snapshot();
        var (failed, dead) = runtime.Problems();
        var gen = tunnel.Metadata.Generation;
        var (status, reason, message) = (failed.Count, dead.Count) switch
        {
            (> 0, _) => (ConditionStatus.False, TunnelReasons.ForwardFailed, string.Join("; ", failed.Concat(dead))),
            (_, > 0) when runtime.Connection.State != Remote.Ssh.SshConnectionState.Connected =>
                (ConditionStatus.False, TunnelReasons.ConnectFailed, $"ssh connection to {runtime.Connection.Target} is {runtime.Connection.State.ToString().ToLowerInvariant()}: {runtime.Connection.LastError}"),
            (_, > 0) => (ConditionStatus.False, TunnelReasons.PortsDead, string.Join("; ", dead)),
            _ => (ConditionStatus.True, TunnelReasons.PortsAnswer, $"{forwards.Count} forwards and {reverse.Count} reverse binds answer over {runtime.Connection.Target}"),
        };
        var before = Describe(s);
        var stale = s.Forwards.Concat(s.ReverseBinds).Any(p => p.LastProbe is not { } t || clock.GetUtcNow() - t > StatusHeartbeat);
        (s.Forwards, s.ReverseBinds, s.LastHeal, s.LastHealReason, s.Heals) = (forwards, reverse, runtime.LastHeal ?? s.LastHeal,
            runtime.LastHealReason ?? s.LastHealReason, Math.Max(s.Heals, runtime.Heals));
        var phase = status == ConditionStatus.True ? "Ready" : "Degraded";
        var changed = before != Describe(s) || s.Phase != phase || s.ObservedGeneration != gen || stale;
        (s.Phase, s.ObservedGeneration) = (phase, gen);
        var readyChanged = Conditions.Set(s.Conditions, "Ready", status, reason, message, gen, clock.GetUtcNow());
        if (!changed && !readyChanged) return;
        await store.UpdateStatusAsync(tunnel, ct);
        if (readyChanged) await events.RecordAsync(tunnel.Key, status == ConditionStatus.True ? "Normal" : "Warning", reason, message, ct);
    }

    private static string Describe(TunnelStatus s) =>
        string.Join("|", s.Forwards.Concat(s.ReverseBinds).Select(p => $"{p.Name}:{p.LocalPort}:{p.RemotePort}:{p.Healthy}:{p.LastError}:{p.Heals}"))
        + $"#{s.Heals}:{s.LastHeal}";
}
