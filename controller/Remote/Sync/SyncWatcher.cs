using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Ssh;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Remote.Sync;

/// <summary>What the continuous sync has done, read by the reconciler for status.</summary>
public sealed record SyncCounters(DateTimeOffset? LastSync, long LastBytes, int LastFiles, long BytesTotal, long FilesTotal,
    long Syncs, long? LagMs, string? LastError, bool NeedsFullSync);

/// <summary>
/// Coast's own continuous one-way sync: inotify (FileSystemWatcher) over the local tree, changes batched
/// (a batch closes <see cref="BatchWindow"/> after its first change) and sent incrementally over the host's
/// SSH connection. A watcher overflow asks for a full rsync. A failed send keeps the paths for the next
/// batch and is reported, never thrown: the instance keeps running.
/// </summary>
public sealed class SyncWatcher : IDisposable
{
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    private readonly SyncSessionSpec _spec;
    private readonly SshConnection _ssh;
    private readonly Action _changed;
    private readonly ILogger _log;
    private readonly FileSystemWatcher _fsw;
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _firstPendingTicks;
    private SyncCounters _counters = new(null, 0, 0, 0, 0, 0, null, null, false);

    public SyncWatcher(SyncSessionSpec spec, SshConnection ssh, Action changed, ILogger log)
    {
        _spec = spec;
        _ssh = ssh;
        _changed = changed;
        _log = log;
        _fsw = new FileSystemWatcher(spec.LocalPath)
        {
            IncludeSubdirectories = true,
            InternalBufferSize = 256 * 1024,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
        };
        _fsw.Created += (_, e) => Add(e.FullPath);
        _fsw.Changed += (_, e) => { if (!Directory.Exists(e.FullPath)) Add(e.FullPath); };
        _fsw.Deleted += (_, e) => Add(e.FullPath);
        _fsw.Renamed += (_, e) => { Add(e.OldFullPath); Add(e.FullPath); };
        _fsw.Error += (_, e) =>
        {
            _log.LogWarning("watcher on {Path} lost events ({Reason}); a full sync follows", spec.LocalPath, e.GetException().Message);
            Update(c => c with { NeedsFullSync = true, LastError = "the watcher lost events: " + e.GetException().Message });
        };
        _fsw.EnableRaisingEvents = true;
        _loop = Task.Run(LoopAsync);
    }

    public SyncSessionSpec Spec => _spec;
    public SshConnection Connection => _ssh;

    public SyncCounters Counters { get { lock (_pending) return _counters; } }

    /// <summary>The counters, with the totals handed over (reset to zero here) so the caller adds them to status once.</summary>
    public SyncCounters Drain()
    {
        lock (_pending)
        {
            var c = _counters;
            _counters = c with { BytesTotal = 0, FilesTotal = 0, Syncs = 0 };
            return c;
        }
    }

    /// <summary>The reconciler ran the full rsync that the watcher asked for.</summary>
    public void FullSyncDone() => Update(c => c with { NeedsFullSync = false, LastError = null });

    private void Add(string fullPath)
    {
        var rel = Path.GetRelativePath(_spec.LocalPath, fullPath);
        if (rel.StartsWith("..") || IncrementalSender.Excluded(rel, _spec.Excludes)) return;
        lock (_pending)
        {
            if (_pending.Count == 0) _firstPendingTicks = Stopwatch.GetTimestamp();
            _pending.Add(rel);
        }
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    private async Task LoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct);
                await Task.Delay(BatchWindow, ct);
                string[] batch;
                long first;
                lock (_pending)
                {
                    batch = [.. _pending];
                    _pending.Clear();
                    first = _firstPendingTicks;
                }
                if (batch.Length == 0) continue;
                await SendAsync(batch, first, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        }
    }

    private async Task SendAsync(string[] batch, long firstTicks, CancellationToken ct)
    {
        try
        {
            var sent = await IncrementalSender.SendAsync(_ssh, _spec.LocalPath, _spec.RemotePath, batch, _spec.Excludes, _spec.Protect, ct);
            var lag = (long)Stopwatch.GetElapsedTime(firstTicks).TotalMilliseconds;
            Update(c => c with
            {
                LastSync = DateTimeOffset.UtcNow, LastBytes = sent.Bytes, LastFiles = sent.Files, BytesTotal = c.BytesTotal + sent.Bytes,
                FilesTotal = c.FilesTotal + sent.Files, Syncs = c.Syncs + 1, LagMs = lag, LastError = c.NeedsFullSync ? c.LastError : null,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _log.LogWarning("continuous sync of {Path} failed: {Reason}", _spec.LocalPath, e.Message);
            lock (_pending) foreach (var p in batch) _pending.Add(p);
            Update(c => c with { LastError = e.Message });
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            if (_signal.CurrentCount == 0) _signal.Release();
        }
    }

    private void Update(Func<SyncCounters, SyncCounters> change)
    {
        lock (_pending) _counters = change(_counters);
        _changed();
    }

    public void Dispose()
    {
        _fsw.EnableRaisingEvents = false;
        _fsw.Dispose();
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
