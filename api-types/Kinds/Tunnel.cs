using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>
/// The SSH forwards of one remote instance: a local port per service port (ssh -L) and a remote bind per
/// shared service the instance uses (ssh -R), carried by the remote host's one SSH connection and kept
/// healthy by a probe loop. Owned by the Instance.
/// </summary>
public sealed class Tunnel : Resource<TunnelSpec, TunnelStatus>
{
    public const string KindName = "Tunnel";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class TunnelSpec
{
    /// <summary>The project (also metadata.namespace).</summary>
    public string Project { get; set; } = "";

    /// <summary>The Instance these forwards serve (normally also its owner).</summary>
    public string? Instance { get; set; }

    /// <summary>The RemoteHost whose SSH connection carries the forwards.</summary>
    public string RemoteHost { get; set; } = "";

    /// <summary>localhost:localPort -> remoteAddress:remotePort on the remote host, one per service port.</summary>
    public List<TunnelForward> Forwards { get; set; } = new();

    /// <summary>bindAddress:remotePort on the remote host -> localHost:localPort here, one per shared service.</summary>
    public List<TunnelReverseBind> ReverseBinds { get; set; } = new();
}

public sealed class TunnelForward
{
    /// <summary>The service port's name (a key of the project's ports).</summary>
    public string Name { get; set; } = "";

    /// <summary>Local port to listen on (127.0.0.1); 0 takes a free one, reported in status.</summary>
    public int LocalPort { get; set; }

    /// <summary>The remote dynamic port.</summary>
    public int RemotePort { get; set; }

    /// <summary>Where the remote end connects, as seen from the remote host.</summary>
    public string RemoteAddress { get; set; } = "127.0.0.1";
}

public sealed class TunnelReverseBind
{
    /// <summary>The shared service's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Port bound on the remote host.</summary>
    public int RemotePort { get; set; }

    /// <summary>Address bound on the remote host; 0.0.0.0 (needs sshd GatewayPorts clientspecified) lets remote containers reach it.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Where connections arriving on the remote bind go, seen from this machine.</summary>
    public string LocalHost { get; set; } = "127.0.0.1";

    public int LocalPort { get; set; }
}

public sealed class TunnelStatus : ResourceStatus
{
    public List<TunnelPortStatus> Forwards { get; set; } = new();
    public List<TunnelPortStatus> ReverseBinds { get; set; } = new();

    /// <summary>When the last rebuild of dead ports finished.</summary>
    public DateTimeOffset? LastHeal { get; set; }

    /// <summary>What the last rebuild did, e.g. "all 3 ports dead: rebuilt all" or "rebuilt web".</summary>
    public string? LastHealReason { get; set; }

    /// <summary>Rebuilds so far (all or some ports).</summary>
    public int Heals { get; set; }
}

public sealed class TunnelPortStatus
{
    public string Name { get; set; } = "";

    /// <summary>Forward: the bound local port. Reverse bind: the local target port.</summary>
    public int LocalPort { get; set; }

    public int RemotePort { get; set; }

    /// <summary>The last probe's answer (a TCP connect within 500 ms).</summary>
    public bool Healthy { get; set; }

    public DateTimeOffset? LastProbe { get; set; }

    /// <summary>Why the port is not healthy, when it is not.</summary>
    public string? LastError { get; set; }

    /// <summary>How many times this port was rebuilt.</summary>
    public int Heals { get; set; }
}

/// <summary>Condition reasons of a Tunnel's Ready condition.</summary>
public static class TunnelReasons
{
    public const string PortsAnswer = "PortsAnswer";
    public const string HostNotFound = "HostNotFound";
    public const string HostNotReady = "HostNotReady";
    public const string ConnectFailed = "ConnectFailed";
    public const string HostKeyMismatch = "HostKeyMismatch";
    public const string ForwardFailed = "ForwardFailed";
    public const string PortsDead = "PortsDead";
}
