using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Tunnels;

/// <summary>One port of a live tunnel: a local forward or a reverse bind, its SSH handle and its last probe.</summary>
internal sealed class TunnelPort
{
    private TunnelPort(string name, TunnelForward? forward, TunnelReverseBind? reverse)
    {
        Name = name;
        Forward = forward;
        Reverse = reverse;
    }

    public static TunnelPort For(TunnelForward f) => new(f.Name, Clone(f), null) { RemotePort = f.RemotePort, LocalPort = f.LocalPort };

    public static TunnelPort For(TunnelReverseBind b) => new(b.Name, null, Clone(b)) { RemotePort = b.RemotePort, LocalPort = b.LocalPort };

    public string Name { get; }
    public TunnelForward? Forward { get; }
    public TunnelReverseBind? Reverse { get; }
    public bool IsReverse => Reverse is not null;

    /// <summary>The handle on the connection; null when it could not be made.</summary>
    public SshForward? Handle { get; set; }

    /// <summary>Forward: the bound local port (kept across rebuilds). Reverse bind: the local target.</summary>
    public int LocalPort { get; set; }

    public int RemotePort { get; private init; }

    public bool Healthy { get; set; }
    public DateTimeOffset? LastProbe { get; set; }
    public string? LastError { get; set; } = "not started";

    /// <summary>Creating the handle failed (not just a failed probe): the Ready reason is ForwardFailed.</summary>
    public bool CreateFailed { get; set; }

    public int Heals { get; set; }

    /// <summary>Same desired state (the spec of this port did not change).</summary>
    public bool Matches(TunnelForward f) => Forward is { } o && o.LocalPort == f.LocalPort && o.RemotePort == f.RemotePort && o.RemoteAddress == f.RemoteAddress;

    public bool Matches(TunnelReverseBind b) => Reverse is { } o && o.RemotePort == b.RemotePort && o.BindAddress == b.BindAddress
        && o.LocalHost == b.LocalHost && o.LocalPort == b.LocalPort;

    public TunnelPortStatus ToStatus() => new()
    {
        Name = Name, LocalPort = LocalPort, RemotePort = RemotePort, Healthy = Healthy,
        LastProbe = LastProbe, LastError = Healthy ? null : LastError, Heals = Heals,
    };

    public override string ToString() => IsReverse
        ? $"{Name} (remote {Reverse!.BindAddress}:{RemotePort} -> {Reverse.LocalHost}:{LocalPort})"
        : $"{Name} (127.0.0.1:{LocalPort} -> {Forward!.RemoteAddress}:{RemotePort})";

    private static TunnelForward Clone(TunnelForward f) => new() { Name = f.Name, LocalPort = f.LocalPort, RemotePort = f.RemotePort, RemoteAddress = f.RemoteAddress };

    private static TunnelReverseBind Clone(TunnelReverseBind b) => new()
    {
        Name = b.Name, RemotePort = b.RemotePort, BindAddress = b.BindAddress, LocalHost = b.LocalHost, LocalPort = b.LocalPort,
    };
}
