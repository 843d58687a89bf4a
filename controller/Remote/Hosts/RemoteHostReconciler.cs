using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Hosts;

/// <summary>
/// Keeps each RemoteHost's connection up and its status true: reachable (SSH with the pinned host key),
/// Docker engine, agent version, capacity, reverse binds. A changed host key or a refused login is
/// terminal (it needs a person: `coast remote add --accept-host-key`); an unreachable host is retried
/// with the runtime's backoff, the cause in the Ready condition. A healthy host is probed every 30 s.
/// </summary>
public sealed class RemoteHostReconciler(IResourceStore store, IEventRecorder events, RemoteHostConnections connections, TimeProvider clock)
    : IReconciler<RemoteHost>, IFinalizer<RemoteHost>
{
    public static readonly TimeSpan ProbePeriod = TimeSpan.FromSeconds(30);

    public string Name => "coast.dev/remotehost-connection";

    public async Task<ReconcileResult> ReconcileAsync(RemoteHost host, CancellationToken ct)
    {
        if (host.Spec.HostKey is null)
            throw new TerminalReconcileException("HostKeyNotPinned",
                $"no host key is pinned for {host.Spec.User}@{host.Spec.Host}:{host.Spec.Port}; run `coast remote add` to read and pin it, or set spec.hostKey");
        SshConnection ssh;
        try
        {
            ssh = await connections.GetAsync(host, ct);
        }
        catch (HostKeyMismatchException e)
        {
            await ReportAsync(host, false, "HostKeyMismatch", e.Message, ct);
            throw new TerminalReconcileException("HostKeyMismatch", e.Message);
        }
        catch (SshConnectException e)
        {
            await ReportAsync(host, false, e.Permanent ? "LoginRefused" : "Unreachable", e.Message, ct);
            if (e.Permanent) throw new TerminalReconcileException("LoginRefused", e.Message);
            throw; // the runtime backs off
        }

        var report = await RemoteHostProbe.RunAsync(ssh, ct);
        var before = (host.Status.DockerVersion, host.Status.AgentVersion, host.Status.Capacity, host.Status.ReverseBinds);
        host.Status.DockerVersion = report.DockerVersion;
        host.Status.AgentVersion = report.AgentVersion;
        host.Status.Capacity = report.Capacity;
        host.Status.ReverseBinds = report.ReverseBindsOnAllAddresses;
        var now = clock.GetUtcNow();
        var gen = host.Metadata.Generation;
        var changed = before != (host.Status.DockerVersion, host.Status.AgentVersion, host.Status.Capacity, host.Status.ReverseBinds);
        changed |= Conditions.Set(host.Status.Conditions, "AgentReady", report.AgentVersion is null ? ConditionStatus.False : ConditionStatus.True,
            report.AgentVersion is null ? "AgentNotRunning" : "AgentAnswers",
            report.AgentVersion is null ? "nothing answers on 127.0.0.1:31420 on the host; `coast remote setup` installs and starts the agent"
                                        : $"agent {report.AgentVersion} answers on 127.0.0.1:31420", gen, now);
        changed |= Conditions.Set(host.Status.Conditions, "ReverseBinds", report.ReverseBindsOnAllAddresses ? ConditionStatus.True : ConditionStatus.False,
            report.ReverseBindsOnAllAddresses ? "GatewayPorts" : "LoopbackOnly",
            report.ReverseBindsOnAllAddresses ? "reverse binds on 0.0.0.0 listen on all addresses"
                                              : "reverse binds stay on loopback; set `GatewayPorts clientspecified` in the host's sshd_config so remote containers reach shared services", gen, now);
        if (report.DockerVersion is null)
            await ReportAsync(host, true, "DockerUnavailable", $"the host's Docker engine does not answer: {report.DockerError}", ct, changed);
        else
            await ReportAsync(host, true, "Connected", $"connected to {RemoteHostConnections.TargetOf(host)} (Docker {report.DockerVersion})", ct, changed);
        return ReconcileResult.After(ProbePeriod);
    }

    public async Task<FinalizeResult> FinalizeAsync(RemoteHost host, CancellationToken ct)
    {
        await connections.CloseAsync(host.Metadata.Name);
        return FinalizeResult.Done;
    }

    /// <summary>Writes the Ready condition and the status, only when something changed (a write wakes watchers).</summary>
    private async Task ReportAsync(RemoteHost host, bool reachable, string reason, string message, CancellationToken ct, bool changed = false)
    {
        var ready = reachable && reason == "Connected";
        var phase = ready ? "Ready" : reachable ? "Degraded" : "Unreachable";
        changed |= host.Status.Reachable != reachable || host.Status.Phase != phase || host.Status.ObservedGeneration != host.Metadata.Generation;
        (host.Status.Reachable, host.Status.Phase, host.Status.ObservedGeneration) = (reachable, phase, host.Metadata.Generation);
        var readyChanged = Conditions.Set(host.Status.Conditions, "Ready", ready ? ConditionStatus.True : ConditionStatus.False, reason, message,
            host.Metadata.Generation, clock.GetUtcNow());
        if (!changed && !readyChanged) return;
        await store.UpdateStatusAsync(host, ct);
        if (readyChanged) await events.RecordAsync(host.Key, ready ? "Normal" : "Warning", reason, message, ct);
    }
}
