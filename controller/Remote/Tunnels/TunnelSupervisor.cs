using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;
using Microsoft.Extensions.Logging;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>
/// Holds the live tunnels of this controller process, one health loop each (every
/// <see cref="ProbeInterval"/>: probe, heal), and wakes a Tunnel's reconcile when its health changed so
/// the reconciler writes it to status. A wake source for the Tunnel kind.
/// </summary>
public sealed class TunnelSupervisor(TimeProvider clock, ILoggerFactory loggers) : IWakeSource, IAsyncDisposable
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<ResourceKey, Live> _live = new();
    private readonly Channel<ResourceKey> _changed = Channel.CreateUnbounded<ResourceKey>();
    private readonly ILogger _log = loggers.CreateLogger<TunnelSupervisor>();

    private sealed record Live(TunnelRuntime Runtime, CancellationTokenSource Stop, Task Loop);

    public string Kind => Tunnel.KindName;

    public TunnelRuntime? Get(ResourceKey key) => _live.TryGetValue(key, out var live) ? live.Runtime : null;

    /// <summary>The live tunnel for <paramref name="key"/> on <paramref name="ssh"/>, made to match the spec. A tunnel on another (replaced) connection is closed and made anew.</summary>
    public async Task<TunnelRuntime> EnsureAsync(ResourceKey key, SshConnection ssh, TunnelSpec spec,
        IReadOnlyDictionary<string, int> previousPorts, CancellationToken ct)
    {
        if (_live.TryGetValue(key, out var live) && live.Runtime.Connection != ssh)
        {
            await RemoveAsync(key);
            live = null;
        }
        if (live is null)
        {
            var runtime = new TunnelRuntime(key, ssh, clock, loggers.CreateLogger($"tunnel:{key.Namespace}/{key.Name}"));
            var stop = new CancellationTokenSource();
            live = new Live(runtime, stop, Task.CompletedTask);
            if (!_live.TryAdd(key, live)) return await EnsureAsync(key, ssh, spec, previousPorts, ct);
            await runtime.ApplyAsync(spec, previousPorts, ct);
            _live[key] = live with { Loop = Task.Run(() => HealthLoopAsync(runtime, stop.Token)) };
            return runtime;
        }
        await live.Runtime.ApplyAsync(spec, previousPorts, ct);
        return live.Runtime;
    }

    /// <summary>Stops the health loop and removes the tunnel's forwards from the connection.</summary>
    public async Task RemoveAsync(ResourceKey key)
    {
        if (!_live.TryRemove(key, out var live)) return;
        await live.Stop.CancelAsync();
        try { await live.Loop; }
        catch (OperationCanceledException) { }
        await live.Runtime.CloseAsync();
        live.Stop.Dispose();
    }

    public async IAsyncEnumerable<ResourceKey> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        while (await _changed.Reader.WaitToReadAsync(ct))
            while (_changed.Reader.TryRead(out var key)) yield return key;
    }

    private async Task HealthLoopAsync(TunnelRuntime runtime, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(ProbeInterval, clock, ct);
            try
            {
                if (await runtime.CheckAsync(ct)) _changed.Writer.TryWrite(runtime.Key);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _log.LogWarning(e, "health check of tunnel {Key} failed", runtime.Key);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _live.Keys.ToList()) await RemoveAsync(key);
    }
}
