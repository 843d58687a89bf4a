using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Remote.Sync;

/// <summary>
/// The continuous syncs of this controller process, one watcher per SyncSession, and a wake source that
/// asks for a status write when a watcher did something (at most about once a second per session).
/// </summary>
public sealed class SyncSupervisor(ILoggerFactory loggers) : IWakeSource, IDisposable
{
    private static readonly TimeSpan WakeSpacing = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<ResourceKey, SyncWatcher> _watchers = new();
    private readonly ConcurrentDictionary<ResourceKey, long> _wakePending = new();
    private readonly Channel<ResourceKey> _changed = Channel.CreateUnbounded<ResourceKey>();

    public string Kind => SyncSession.KindName;

    public SyncWatcher? Get(ResourceKey key) => _watchers.GetValueOrDefault(key);

    /// <summary>A watcher for the spec on the connection; one for an older spec or connection is replaced.</summary>
    public SyncWatcher Ensure(ResourceKey key, SyncSessionSpec spec, SshConnection ssh)
    {
        if (_watchers.TryGetValue(key, out var w) && w.Connection == ssh && Same(w.Spec, spec)) return w;
        Stop(key);
        var watcher = new SyncWatcher(Copy(spec), ssh, () => Wake(key), loggers.CreateLogger($"sync:{key.Namespace}/{key.Name}"));
        _watchers[key] = watcher;
        return watcher;
    }

    public void Stop(ResourceKey key)
    {
        if (_watchers.TryRemove(key, out var w)) w.Dispose();
    }

    private void Wake(ResourceKey key)
    {
        if (!_wakePending.TryAdd(key, 0)) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(WakeSpacing);
            _wakePending.TryRemove(key, out _);
            _changed.Writer.TryWrite(key);
        });
    }

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        while (await _changed.Reader.WaitToReadAsync(ct))
            while (_changed.Reader.TryRead(out var key)) yield return key;
    }

    private static bool Same(SyncSessionSpec a, SyncSessionSpec b) =>
        a.LocalPath == b.LocalPath && a.RemotePath == b.RemotePath && a.Excludes.SequenceEqual(b.Excludes) && a.Protect.SequenceEqual(b.Protect);

    private static SyncSessionSpec Copy(SyncSessionSpec s) => new()
    {
        Project = s.Project, Instance = s.Instance, RemoteHost = s.RemoteHost, LocalPath = s.LocalPath, RemotePath = s.RemotePath,
        Excludes = [.. s.Excludes], Protect = [.. s.Protect], Mode = s.Mode, Engine = s.Engine, Resync = s.Resync, RsyncPath = s.RsyncPath,
    };

    public void Dispose()
    {
        foreach (var key in _watchers.Keys.ToList()) Stop(key);
    }
}
