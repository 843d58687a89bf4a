using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>A machine reached over SSH that runs remote instances. Cluster-scoped (no namespace).</summary>
public sealed class RemoteHost : Resource<RemoteHostSpec, RemoteHostStatus>
{
    public const string KindName = "RemoteHost";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class RemoteHostSpec
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 22;
    public string User { get; set; } = "";
    public string? IdentityFile { get; set; }

    /// <summary>Pinned host key, "SHA256:..." fingerprint.</summary>
    public string? HostKey { get; set; }

    /// <summary>rsync or mutagen.</summary>
    public string SyncStrategy { get; set; } = "rsync";
}

public sealed class RemoteHostStatus : ResourceStatus
{
    public bool Reachable { get; set; }

    /// <summary>The remote Docker engine's version, when it answers.</summary>
    public string? DockerVersion { get; set; }

    public string? AgentVersion { get; set; }

    /// <summary>Free resources, e.g. "cpus=2 memFree=23000MiB diskFree=51000MiB".</summary>
    public string? Capacity { get; set; }

    /// <summary>Whether a reverse bind on 0.0.0.0 listens on all addresses (sshd GatewayPorts), needed for shared services.</summary>
    public bool ReverseBinds { get; set; }
    public List<string> Instances { get; set; } = new();
}
