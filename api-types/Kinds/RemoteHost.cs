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

    /// <summary>manual (default: whatever runs on the host) or managed (the controller installs, starts and keeps the agent running; `coast remote setup`).</summary>
    public string Agent { get; set; } = RemoteHostNames.AgentManual;

    /// <summary>Where a managed agent is installed on the host (relative paths are under the login's home); default .coast/agent.</summary>
    public string? AgentDir { get; set; }
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

    /// <summary>CPU and memory of each remote instance's DinD by container name ("cpu=1.25% mem=81.3MiB"), sampled every probe.</summary>
    public Dictionary<string, string> Usage { get; set; } = new();

    /// <summary>The host key the host offered while none was pinned (for `coast remote add` to show and pin).</summary>
    public string? OfferedHostKey { get; set; }

    /// <summary>The value of the coast.dev/probe-requested annotation the last probe answered (`coast remote test`).</summary>
    public string? LastHandledProbeAt { get; set; }

    /// <summary>The value of the coast.dev/agent-setup-requested annotation the last agent setup answered (`coast remote setup`).</summary>
    public string? LastHandledSetupAt { get; set; }

    /// <summary>The managed agent's build (sha256 prefix of the published binary) and pid on the host.</summary>
    public string? AgentBuild { get; set; }
    public int? AgentPid { get; set; }
}
