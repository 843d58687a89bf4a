using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;
using static Coast.ApiTypes.Kinds.RemoteHostNames;

namespace Coast.Controller.Remote.Hosts;

/// <summary>
/// Keeps each RemoteHost's connection up and its status true: reachable (SSH with the pinned host key),
/// Docker engine, agent version, capacity, reverse binds. With no pin it only reads the key the host offers
/// into status.offeredHostKey (for `coast remote add` to show and pin) and connects to nothing. A changed host
/// key or a refused login is terminal (it needs a person); an unreachable host is retried with the runtime's
/// backoff, the cause in the Ready condition. With spec.agent = managed it installs and keeps the agent
/// running (<see cref="AgentInstaller"/>). A healthy host is probed every 30 s, and at once when
/// `coast remote test` or `coast remote setup` sets their annotation (answered in status).
/// </summary>
public sealed class RemoteHostReconciler(IResourceStore store, IEventRecorder events, RemoteHostConnections connections, TimeProvider clock,
    AgentDistribution? distribution = null)
    : IReconciler<RemoteHost>, IFinalizer<RemoteHost>
{
    public static readonly TimeSpan ProbePeriod = TimeSpan.FromSeconds(30);
    private readonly AgentDistribution _distribution = distribution ?? AgentDistribution.FromEnvironment();

    public string Name => "coast.dev/remotehost-connection";

    public async Task<ReconcileResult> ReconcileAsync(RemoteHost host, CancellationToken ct)
    {
        if (host.Spec.HostKey is null) return await ReadOfferedKeyAsync(host, ct);
        SshConnection ssh;
        try
        {
            ssh = await connections.GetAsync(host, ct);
        }
        catch (HostKeyMismatchException e)
        {
            host.Status.OfferedHostKey = e.Presented.Value;
            await ReportAsync(host, false, HostKeyMismatch, e.Message, ct, answered: true);
            throw new TerminalReconcileException(HostKeyMismatch, e.Message);
        }
        catch (SshConnectException e)
        {
            await ReportAsync(host, false, e.Permanent ? LoginRefused : Unreachable, e.Message, ct, answered: true);
            if (e.Permanent) throw new TerminalReconcileException(LoginRefused, e.Message);
            throw new ReconcileFailedException(Unreachable, e.Message); // the runtime backs off
        }

        var now = clock.GetUtcNow();
        var gen = host.Metadata.Generation;
        var changed = host.Status.OfferedHostKey is not null;
        host.Status.OfferedHostKey = null;
        var managed = host.Spec.Agent == AgentManaged;
        if (managed) changed |= await EnsureAgentAsync(host, ssh, ct);
        var report = await RemoteHostProbe.RunAsync(ssh, ct);
        var before = (host.Status.DockerVersion, host.Status.AgentVersion, host.Status.Capacity, host.Status.ReverseBinds);
        host.Status.DockerVersion = report.DockerVersion;
        host.Status.AgentVersion = report.AgentVersion;
        host.Status.Capacity = report.Capacity;
        host.Status.ReverseBinds = report.ReverseBindsOnAllAddresses;
        changed |= before != (host.Status.DockerVersion, host.Status.AgentVersion, host.Status.Capacity, host.Status.ReverseBinds);
        if (report.Usage is { } usage && !usage.OrderBy(u => u.Key).SequenceEqual(host.Status.Usage.OrderBy(u => u.Key)))
        {
            host.Status.Usage = new Dictionary<string, string>(usage);
            changed = true;
        }
        if (!managed)
            changed |= Conditions.Set(host.Status.Conditions, AgentReady, report.AgentVersion is null ? ConditionStatus.False : ConditionStatus.True,
                report.AgentVersion is null ? AgentNotRunning : AgentAnswers,
                report.AgentVersion is null ? "nothing answers on 127.0.0.1:31420 on the host; `coast remote setup` installs and starts the agent"
                                            : $"agent {report.AgentVersion} answers on 127.0.0.1:31420", gen, now);
        changed |= Conditions.Set(host.Status.Conditions, RemoteHostNames.ReverseBinds, report.ReverseBindsOnAllAddresses ? ConditionStatus.True : ConditionStatus.False,
            report.ReverseBindsOnAllAddresses ? "GatewayPorts" : "LoopbackOnly",
            report.ReverseBindsOnAllAddresses ? "reverse binds on 0.0.0.0 listen on all addresses"
                                              : "reverse binds stay on loopback; set `GatewayPorts clientspecified` in the host's sshd_config so remote containers reach shared services", gen, now);
        if (report.DockerVersion is null)
            await ReportAsync(host, true, DockerUnavailable, $"the host's Docker engine does not answer: {report.DockerError}", ct, changed, answered: true);
        else
            await ReportAsync(host, true, Connected, $"connected to {RemoteHostConnections.TargetOf(host)} (Docker {report.DockerVersion})", ct, changed, answered: true);
        return ReconcileResult.After(ProbePeriod);
    }

    /// <summary>No pin yet: read the key the host offers (nothing is authenticated) and wait for a person to pin it.</summary>
    private async Task<ReconcileResult> ReadOfferedKeyAsync(RemoteHost host, CancellationToken ct)
    {
        var where = $"{host.Spec.User}@{host.Spec.Host}:{host.Spec.Port}";
        HostKeyFingerprint offered;
        try
        {
            offered = await HostKeyReader.ReadAsync(host.Spec.Host, host.Spec.Port, TimeSpan.FromSeconds(10), ct);
        }
        catch (SshConnectException e)
        {
            host.Status.OfferedHostKey = null;
            await ReportAsync(host, false, Unreachable, $"cannot read the host key of {where}: {e.Message}", ct, answered: true);
            throw new ReconcileFailedException(Unreachable, $"cannot read the host key of {where}: {e.Message}");
        }
        var message = $"no host key is pinned for {where}; it offers {offered.Value}. Pin it with `coast remote add {host.Metadata.Name} {where} " +
                      $"--accept-host-key {offered.Value}` (after checking it, e.g. with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host)";
        var changed = host.Status.OfferedHostKey != offered.Value;
        host.Status.OfferedHostKey = offered.Value;
        await ReportAsync(host, false, HostKeyNotPinned, message, ct, changed, answered: true);
        throw new TerminalReconcileException(HostKeyNotPinned, message);
    }

    /// <summary>Installs or keeps the managed agent; its outcome goes to AgentReady. Never fails the host's reconcile.</summary>
    private async Task<bool> EnsureAgentAsync(RemoteHost host, SshConnection ssh, CancellationToken ct)
    {
        var gen = host.Metadata.Generation;
        var dir = host.Spec.AgentDir ?? AgentInstaller.DefaultDir;
        if (_distribution.Find() is not { } agent)
            return Conditions.Set(host.Status.Conditions, AgentReady, ConditionStatus.False, AgentDistributionMissing, _distribution.MissingMessage, gen, clock.GetUtcNow());
        try
        {
            var result = await AgentInstaller.EnsureAsync(ssh, dir, agent, async step =>
            {
                // Progress for `coast remote setup`: written at once, so the waiting CLI can print it.
                if (Conditions.Set(host.Status.Conditions, AgentReady, ConditionStatus.False, "AgentInstalling", step, gen, clock.GetUtcNow()))
                    host.Metadata.ResourceVersion = (await store.UpdateStatusAsync(host, ct)).Metadata.ResourceVersion;
            }, ct);
            var changed = host.Status.AgentPid != result.Pid || host.Status.AgentBuild != result.Build;
            (host.Status.AgentPid, host.Status.AgentBuild) = (result.Pid, result.Build);
            var what = result.Outcome switch
            {
                "unchanged" => "already running",
                "replaced" => "replaced the other build",
                "restarted" => "started again (it was not running)",
                _ => "installed and started",
            };
            return Conditions.Set(host.Status.Conditions, AgentReady, ConditionStatus.True, AgentAnswers,
                $"agent build {result.Build} (pid {result.Pid}) answers on 127.0.0.1:{RemoteHostProbe.AgentPort} in {dir}: {what}", gen, clock.GetUtcNow()) | changed;
        }
        catch (AgentInstallException e)
        {
            return Conditions.Set(host.Status.Conditions, AgentReady, ConditionStatus.False, AgentInstallFailed, e.Message, gen, clock.GetUtcNow());
        }
    }

    public async Task<FinalizeResult> FinalizeAsync(RemoteHost host, CancellationToken ct)
    {
        await connections.CloseAsync(host.Metadata.Name);
        return FinalizeResult.Done;
    }

    /// <summary>
    /// Writes the Ready condition and the status, only when something changed (a write wakes watchers).
    /// <paramref name="answered"/>: this pass answers the probe and setup annotations of the resource it read.
    /// </summary>
    private async Task ReportAsync(RemoteHost host, bool reachable, string reason, string message, CancellationToken ct, bool changed = false, bool answered = false)
    {
        var ready = reachable && reason == Connected;
        var phase = ready ? "Ready" : reachable ? "Degraded" : "Unreachable";
        changed |= host.Status.Reachable != reachable || host.Status.Phase != phase || host.Status.ObservedGeneration != host.Metadata.Generation;
        (host.Status.Reachable, host.Status.Phase, host.Status.ObservedGeneration) = (reachable, phase, host.Metadata.Generation);
        if (answered)
        {
            var probe = host.Metadata.Annotations.GetValueOrDefault(ProbeRequestedAnnotation);
            var setup = host.Metadata.Annotations.GetValueOrDefault(SetupRequestedAnnotation);
            changed |= host.Status.LastHandledProbeAt != probe || host.Status.LastHandledSetupAt != setup;
            (host.Status.LastHandledProbeAt, host.Status.LastHandledSetupAt) = (probe, setup);
        }
        var readyChanged = Conditions.Set(host.Status.Conditions, ConditionTypes.Ready, ready ? ConditionStatus.True : ConditionStatus.False, reason, message,
            host.Metadata.Generation, clock.GetUtcNow());
        if (!changed && !readyChanged) return;
        await store.UpdateStatusAsync(host, ct);
        if (readyChanged) await events.RecordAsync(host.Key, ready ? "Normal" : "Warning", reason, message, ct);
    }
}
