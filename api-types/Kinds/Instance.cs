using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>One running copy of a project's stack (a DinD container), local, remote or hybrid.</summary>
public sealed class Instance : Resource<InstanceSpec, InstanceStatus>
{
    public const string KindName = "Instance";

    /// <summary>
    /// Asks for the instance's bare services to be (re)started: "TOKEN" (all) or "TOKEN:a,b" (those); carried out once
    /// per value, which status.servicesRestarted then reports (`coast restart-services`).
    /// </summary>
    public const string RestartServicesAnnotation = "coast.dev/restart-services";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class InstanceSpec
{
    /// <summary>The project (also metadata.namespace).</summary>
    public string Project { get; set; } = "";

    /// <summary>Build to run; null means the project's latest build.</summary>
    public string? Build { get; set; }

    /// <summary>Worktree mounted at /workspace; null means the project root.</summary>
    public string? Worktree { get; set; }

    /// <summary>Running or Stopped.</summary>
    public string State { get; set; } = InstanceStates.Running;

    /// <summary>RemoteHost name for a remote or hybrid instance; null means local.</summary>
    public string? RemoteHost { get; set; }

    /// <summary>Services placed on the remote host in a hybrid instance.</summary>
    public List<string> RemoteServices { get; set; } = new();
}

public static class InstanceStates
{
    public const string Running = "Running";
    public const string Stopped = "Stopped";
}

public sealed class InstanceStatus : ResourceStatus
{
    public string? Container { get; set; }
    public string? Build { get; set; }
    public List<PortStatus> Ports { get; set; } = new();

    /// <summary>Hash of the compose file last brought up inside; when unchanged, a start only restarts the containers.</summary>
    public string? ComposeHash { get; set; }

    /// <summary>
    /// Inner containers that had no restart policy and were given "unless-stopped" when the instance stopped,
    /// so that the inner engine starts them itself on the next start; that start sets them back.
    /// </summary>
    public List<string> RestartPolicyOverrides { get; set; } = new();

    /// <summary>Bare services ([services] of the Coastfile) as the supervisor inside reported them at the last reconcile.</summary>
    public List<BareServiceStatus> Services { get; set; } = new();

    /// <summary>The value of the coast.dev/restart-services annotation last carried out.</summary>
    public string? ServicesRestarted { get; set; }

    /// <summary>
    /// The worktree /workspace was last switched to and its [assign] actions carried out for (relative to the project
    /// root; null = the root). Differs from spec.worktree while an assign is pending.
    /// </summary>
    public string? Worktree { get; set; }

    /// <summary>Outside things this instance owns (containers, volumes, networks), by name.</summary>
    public List<string> Inventory { get; set; } = new();
}

public sealed class BareServiceStatus
{
    public string Name { get; set; } = "";

    /// <summary>pending (autostart = false, not started yet), installing, running, backoff, exited, failed or stopped.</summary>
    public string State { get; set; } = "";

    public int Restarts { get; set; }
    public int? ExitCode { get; set; }
}

public sealed class PortStatus
{
    public string Name { get; set; } = "";
    public int Canonical { get; set; }
    public int Dynamic { get; set; }
    public int? RemoteDynamic { get; set; }
}
