using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Remote.Sync;

/// <summary>
/// Converges a SyncSession: a full rsync for each new generation (and when the watcher lost events), then
/// in continuous mode Coast's watcher sending each batch of edits over the host's SSH connection. A full
/// rsync that fails is Ready=False and retried with backoff; a continuous sync that fails is the Continuous
/// condition and a Warning event, while Ready (the bulk copy) stays as it was.
/// </summary>
public sealed class SyncSessionReconciler(IResourceStore store, IEventRecorder events, RemoteHostConnections connections,
    SyncSupervisor supervisor, SyncOptions options, TimeProvider clock) : IReconciler<SyncSession>, IFinalizer<SyncSession>
{
    public static readonly TimeSpan RsyncTimeout = TimeSpan.FromMinutes(30);

    public string Name => "coast.dev/sync-session";

    public async Task<ReconcileResult> ReconcileAsync(SyncSession sync, CancellationToken ct)
    {
        RemoteHost host;
        SshConnection ssh;
        try { (host, ssh) = await RemoteHostAccess.ConnectAsync(store, connections, sync.Spec.RemoteHost, ct); }
        catch (TerminalReconcileException) { supervisor.Stop(sync.Key); throw; }
        if (!Directory.Exists(sync.Spec.LocalPath))
            throw new ReconcileFailedException(SyncReasons.LocalPathMissing, $"local path {sync.Spec.LocalPath} does not exist");

        var s = sync.Status;
        var gen = sync.Metadata.Generation;
        var continuous = sync.Spec.Mode == SyncModes.Continuous;
        // Watch first: an edit made while the bulk copy runs is sent after it.
        var watcher = continuous && sync.Spec.Engine != SyncEngines.Mutagen ? supervisor.Ensure(sync.Key, sync.Spec, ssh) : null;
        if (!continuous || watcher is null) supervisor.Stop(sync.Key);
        var ready = Conditions.Get(s.Conditions, "Ready");
        var needFull = ready is not { Status: ConditionStatus.True } || ready.ObservedGeneration != gen || watcher?.Counters.NeedsFullSync == true;
        var changed = false;
        if (needFull)
        {
            await FullSyncAsync(sync, host, ssh, ct);
            watcher?.FullSyncDone();
            changed = true;
        }

        if (watcher is not null)
        {
            var c = watcher.Drain();
            if (c.Syncs > 0)
            {
                (s.LastSyncTime, s.LastBytes, s.LastFiles, s.LagMs) = (c.LastSync, c.LastBytes, c.LastFiles, c.LagMs);
                (s.BytesTotal, s.FilesTotal, s.Syncs) = (s.BytesTotal + c.BytesTotal, s.FilesTotal + c.FilesTotal, s.Syncs + c.Syncs);
                changed = true;
            }
            changed |= SetEngine(s, SyncEngines.Watcher);
            changed |= await ContinuousAsync(sync, c.LastError is null ? null : $"continuous sync to {sync.Spec.RemotePath} failed: {c.LastError}", SyncReasons.Watching,
                $"watching {sync.Spec.LocalPath}; edits go to {host.Metadata.Name}:{sync.Spec.RemotePath} over the host's ssh connection", ct);
        }
        else if (continuous)
        {
            changed |= SetEngine(s, SyncEngines.Mutagen);
            changed |= await ContinuousAsync(sync, "the mutagen engine is not supported yet; set spec.engine to auto or watcher", null, null, ct);
        }
        else
        {
            changed |= SetEngine(s, "rsync");
            changed |= s.Conditions.RemoveAll(x => x.Type == SyncReasons.Continuous) > 0;
        }
        s.Phase = Conditions.IsTrue(s.Conditions, "Ready") ? (continuous ? "Watching" : "Synced") : "Degraded";
        if (changed || s.ObservedGeneration != gen)
        {
            s.ObservedGeneration = gen;
            await store.UpdateStatusAsync(sync, ct);
        }
        return ReconcileResult.After(TimeSpan.FromSeconds(60));
    }

    public Task<FinalizeResult> FinalizeAsync(SyncSession sync, CancellationToken ct)
    {
        supervisor.Stop(sync.Key);
        return Task.FromResult(FinalizeResult.Done);
    }

    private async Task FullSyncAsync(SyncSession sync, RemoteHost host, SshConnection ssh, CancellationToken ct)
    {
        var s = sync.Status;
        var gen = sync.Metadata.Generation;
        var mkdir = await ssh.RunAsync(["mkdir", "-p", "--", sync.Spec.RemotePath], TimeSpan.FromSeconds(30), ct);
        if (mkdir.ExitCode != 0) throw new ReconcileFailedException(SyncReasons.RsyncFailed, $"cannot create {sync.Spec.RemotePath} on {host.Metadata.Name}: {mkdir.StandardError.Trim()}");
        RsyncTransport transport;
        try { transport = await RsyncTransport.PrepareAsync(options.StateDirectory, host.Metadata.Name, RemoteHostConnections.TargetOf(host), ssh.PinnedHostKey, ct); }
        catch (HostKeyMismatchException e) { throw new TerminalReconcileException("HostKeyMismatch", e.Message); }
        catch (SshConnectException e) { throw new ReconcileFailedException(SyncReasons.HostNotReady, e.Message); }

        var started = clock.GetUtcNow();
        var r = await Rsync.RunAsync(sync.Spec, transport, RsyncTimeout, ct);
        if (!r.Ok) throw new ReconcileFailedException(SyncReasons.RsyncFailed, $"rsync of {sync.Spec.LocalPath} to {host.Metadata.Name}:{sync.Spec.RemotePath} failed: {r.Error}");
        var now = clock.GetUtcNow();
        (s.LastFullSyncTime, s.LastSyncTime, s.LastBytes, s.LastFiles, s.LastWarning) = (now, now, r.BytesSent, r.Files, r.Warning);
        (s.BytesTotal, s.FilesTotal, s.Syncs, s.LagMs) = (s.BytesTotal + r.BytesSent, s.FilesTotal + r.Files, s.Syncs + 1, (long)(now - started).TotalMilliseconds);
        var reason = r.Warning is null ? SyncReasons.FullSyncDone : SyncReasons.PartialTransfer;
        var message = $"{r.Files} files, {r.BytesSent} bytes sent to {host.Metadata.Name}:{sync.Spec.RemotePath}" + (r.Warning is null ? "" : $"; warning: {r.Warning}");
        if (Conditions.Set(s.Conditions, "Ready", ConditionStatus.True, reason, message, gen, now) && r.Warning is not null)
            await events.RecordAsync(sync.Key, "Warning", reason, r.Warning, ct);
    }

    /// <summary>Sets the Continuous condition; a new failure is also a Warning event. The instance is never failed for it.</summary>
    private async Task<bool> ContinuousAsync(SyncSession sync, string? failure, string? okReason, string? okMessage, CancellationToken ct)
    {
        var gen = sync.Metadata.Generation;
        var flipped = failure is null
            ? Conditions.Set(sync.Status.Conditions, SyncReasons.Continuous, ConditionStatus.True, okReason!, okMessage!, gen, clock.GetUtcNow())
            : Conditions.Set(sync.Status.Conditions, SyncReasons.Continuous, ConditionStatus.False, SyncReasons.ContinuousFailed, failure, gen, clock.GetUtcNow());
        if (flipped && failure is not null) await events.RecordAsync(sync.Key, "Warning", SyncReasons.ContinuousFailed, failure, ct);
        return flipped;
    }

    private static bool SetEngine(SyncSessionStatus s, string engine)
    {
        if (s.Engine == engine) return false;
        s.Engine = engine;
        return true;
    }
}
