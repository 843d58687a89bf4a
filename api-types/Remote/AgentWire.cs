namespace Coast.ApiTypes.Remote;

// The remote agent's wire types, shared by the agent and the controller's client. Settable properties:
// source-generated deserialization sets init-only ones to default when a field is absent, which would lose
// the defaults below.

/// <summary>What the controller wants of one remote instance (the body of PUT /v1/instances/{project}/{name}).</summary>
public sealed record RemoteInstanceSpec
{
    /// <summary>Running or Stopped.</summary>
    public string DesiredState { get; set; } = "Running";

    /// <summary>Canonical ports by service name, as in the Project's [ports].</summary>
    public Dictionary<string, int> Ports { get; set; } = new();

    /// <summary>The build the instance runs (the controller's Build name).</summary>
    public string? Build { get; set; }

    /// <summary>The DinD image (the Build's instance image). Null: the agent holds the ports and runs nothing yet.</summary>
    public string? InstanceImage { get; set; }

    /// <summary>Images the inner engine needs; the agent loads those it lacks from its own engine.</summary>
    public List<string> Images { get; set; } = new();

    /// <summary>The compose file as it runs inside (already rewritten by the controller), or null for none.</summary>
    public string? Compose { get; set; }

    /// <summary>The directory compose runs in, inside the instance.</summary>
    public string ComposeWorkdir { get; set; } = "/workspace";

    /// <summary>HTTP paths probed instead of a TCP connect, by service (the Project's [healthcheck]).</summary>
    public Dictionary<string, string> Healthchecks { get; set; } = new();

    /// <summary>Paths kept per instance (the Project's private_paths).</summary>
    public List<string> PrivatePaths { get; set; } = new();

    /// <summary>The project's shared services (they run on the controller's machine): the agent holds a reverse-bind
    /// port for each and makes the alias address reach it inside the DinD.</summary>
    public List<RemoteSharedService> SharedServices { get; set; } = new();

    /// <summary>Keyed digest of the injected values (secrets, [inject]); stored, so a changed value is a new generation.</summary>
    public string? InjectedFingerprint { get; set; }

    /// <summary>The injected values in clear. Sent with every PUT and kept in the agent's memory only: never stored,
    /// never returned (the agent clears this field before it stores the spec).</summary>
    public RemoteInjected? Injected { get; set; }

    /// <summary>The worktree the workspace is synced from (relative to the project root; null = the root). The
    /// controller syncs it before the PUT; the agent records it in status once its assign steps ran.</summary>
    public string? Worktree { get; set; }

    /// <summary>What each service does when <see cref="Worktree"/> is not the one status says is done (the
    /// controller computes them: it has both trees for the rebuild triggers). Ignored when the DinD is new.</summary>
    public List<Coast.ApiTypes.Assign.AssignAction> AssignSteps { get; set; } = new();
}

/// <summary>A shared service as a remote instance reaches it: inner containers resolve Name to Alias, and Alias:Port
/// goes to the reverse bind of the controller's Tunnel on the remote host.</summary>
public sealed record RemoteSharedService
{
    public string Name { get; set; } = "";

    /// <summary>The service's own port (the one apps use, e.g. 5432).</summary>
    public int Port { get; set; }

    /// <summary>The address the name resolves to inside the instance (chosen by the controller).</summary>
    public string Alias { get; set; } = "";
}

/// <summary>Injected env and files for the inner services (what a local instance's InjectionWriter writes).</summary>
public sealed record RemoteInjected
{
    public Dictionary<string, string> Env { get; set; } = new();
    public List<RemoteInjectedFile> Files { get; set; } = new();
}

/// <summary>A file put into the instance: its name under /coast/inject/files, its path inside, its content.</summary>
public sealed record RemoteInjectedFile(string Name, string Target, string Content);

/// <summary>
/// The remote port the agent holds for a shared service's reverse bind, and the address to bind it on: the remote
/// engine's bridge gateway (what the DinD reaches the host on), never all addresses. Null only from an older agent.
/// </summary>
public sealed record RemoteSharedBind(string Name, int RemotePort, string? BindAddress = null);

/// <summary>A port of a remote instance: canonical inside the instance, remote dynamic on the agent's machine.</summary>
public sealed record RemotePort(string Name, int Canonical, int RemoteDynamic);

/// <summary>One observation, like a Kubernetes condition (Ready, ContainersReady, PortsReady).</summary>
public sealed record RemoteCondition(string Type, string Status, string Reason, string Message);

/// <summary>What the agent observed and did.</summary>
public sealed record RemoteInstanceStatus
{
    /// <summary>Pending, Starting, Running, Stopped or Failed.</summary>
    public string Phase { get; set; } = "Pending";
    public string Message { get; set; } = "";
    public long ObservedGeneration { get; set; }
    public List<RemotePort> Ports { get; set; } = new();
    public List<RemoteCondition> Conditions { get; set; } = new();

    /// <summary>The DinD container, once made.</summary>
    public string? Container { get; set; }

    /// <summary>Hash of the compose file last brought up inside.</summary>
    public string? ComposeHash { get; set; }

    /// <summary>What the agent made on its engine for this instance (container, volume), by name.</summary>
    public List<string> Inventory { get; set; } = new();

    /// <summary>The worktree whose assign steps are done (meaningful when <see cref="WorktreeDone"/>).</summary>
    public string? Worktree { get; set; }

    /// <summary>Whether the DinD runs on the spec's worktree: it was made for it, or the assign steps for it ran.</summary>
    public bool WorktreeDone { get; set; }
}

/// <summary>One remote instance as the agent stores and returns it.</summary>
public sealed record RemoteInstance
{
    public string Project { get; set; } = "";
    public string Name { get; set; } = "";
    public long Generation { get; set; }
    public bool Deleting { get; set; }
    public RemoteInstanceSpec Spec { get; set; } = new();
    public RemoteInstanceStatus Status { get; set; } = new();
    public string Workspace { get; set; } = "";

    /// <summary>The reverse-bind port held for each shared service of the spec (filled in on read).</summary>
    public List<RemoteSharedBind> SharedBinds { get; set; } = new();
}

/// <summary>POST /v1/exec body: a command in the instance, or in one of its compose services.</summary>
public sealed record RemoteExecRequest
{
    public string? Service { get; set; }
    public List<string> Command { get; set; } = new();
}

/// <summary>One frame of an exec stream (one JSON object per line): output ("stdout"/"stderr" with Data), then "exit" with Code.</summary>
public sealed record RemoteExecFrame(string Kind, string? Data = null, int? Code = null);

/// <summary>A compose service inside a remote instance (GET .../ps).</summary>
public sealed record RemoteService(string Service, string Container, string State, string Status);

/// <summary>Image ids on the agent's engine, by reference; null when absent (GET /v1/images?ref=...).</summary>
public sealed record RemoteImageIds(Dictionary<string, string?> Ids);
