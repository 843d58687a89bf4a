namespace Coast.RemoteAgent.Api;

// Settable properties: source-generated deserialization sets init-only ones to default when a field is
// absent, which would lose the defaults below.

/// <summary>What the controller wants of one remote instance (the body of PUT /v1/instances/{project}/{name}).</summary>
public sealed record RemoteInstanceSpec
{
    /// <summary>Running or Stopped.</summary>
    public string DesiredState { get; set; } = "Running";

    /// <summary>Canonical ports by service name, as in the Project's [ports].</summary>
    public Dictionary<string, int> Ports { get; set; } = new();

    /// <summary>The build the instance runs (the controller's Build name).</summary>
    public string? Build { get; set; }
}

/// <summary>A port of a remote instance: canonical inside the instance, remote dynamic on the agent's machine.</summary>
public sealed record RemotePort(string Name, int Canonical, int RemoteDynamic);

/// <summary>What the agent observed and did.</summary>
public sealed record RemoteInstanceStatus
{
    public string Phase { get; set; } = "Pending";
    public string Message { get; set; } = "";
    public long ObservedGeneration { get; set; }
    public List<RemotePort> Ports { get; set; } = new();
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
}
