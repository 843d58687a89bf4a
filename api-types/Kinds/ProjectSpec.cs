namespace Coast.ApiTypes.Kinds;

/// <summary>Desired state of a project, one field per Coastfile field (see docs/resources.md).</summary>
public sealed class ProjectSpec
{
    /// <summary>Absolute path of the project root on the host.</summary>
    public string RootDir { get; set; } = "";

    /// <summary>Compose file path relative to RootDir; null means no compose services.</summary>
    public string? Compose { get; set; }

    public string Runtime { get; set; } = "dind";
    public List<string> WorktreeDirs { get; set; } = new() { ".worktrees" };
    public string? DefaultWorktreeDir { get; set; }
    public bool Autostart { get; set; } = true;
    public string? PrimaryPort { get; set; }
    public List<string> PrivatePaths { get; set; } = new();
    public SetupSpec Setup { get; set; } = new();

    /// <summary>Canonical ports by name.</summary>
    public Dictionary<string, int> Ports { get; set; } = new();

    /// <summary>Host ports the instance may reach, by name.</summary>
    public Dictionary<string, int> Egress { get; set; } = new();

    /// <summary>HTTP path probed instead of a TCP connect, by port name.</summary>
    public Dictionary<string, string> Healthchecks { get; set; } = new();

    public Dictionary<string, BareServiceSpec> Services { get; set; } = new();
    public Dictionary<string, SharedServiceDefinition> SharedServices { get; set; } = new();
    public Dictionary<string, VolumeSpec> Volumes { get; set; } = new();
    public Dictionary<string, SecretSpec> Secrets { get; set; } = new();
    public InjectSpec Inject { get; set; } = new();
    public AssignSpec Assign { get; set; } = new();
    public OmitSpec Omit { get; set; } = new();
    public RemoteSyncSpec Remote { get; set; } = new();
}

public sealed class SetupSpec
{
    public List<string> Packages { get; set; } = new();
    public List<string> Run { get; set; } = new();
    public List<SetupFile> Files { get; set; } = new();
}

public sealed class SetupFile
{
    public string Path { get; set; } = "";
    public string Content { get; set; } = "";
    public string? Mode { get; set; }
}

/// <summary>A bare process run by the supervisor inside the instance.</summary>
public sealed class BareServiceSpec
{
    public string Command { get; set; } = "";
    public int? Port { get; set; }

    /// <summary>no, on-failure or always.</summary>
    public string Restart { get; set; } = "no";

    public List<string> Install { get; set; } = new();
    public List<string> Cache { get; set; } = new();

    /// <summary>False: not started by run/start, only by `coast restart-services`.</summary>
    public bool Autostart { get; set; } = true;

    /// <summary>Environment of the process (on top of the instance's own: ports, names).</summary>
    public Dictionary<string, string> Env { get; set; } = new();
}

/// <summary>A service run once per project on the host engine and shared by all instances.</summary>
public sealed class SharedServiceDefinition
{
    public string Image { get; set; } = "";

    /// <summary>"5432" or "5433:5432" (host:container).</summary>
    public List<string> Ports { get; set; } = new();

    public List<string> Volumes { get; set; } = new();
    public Dictionary<string, string> Env { get; set; } = new();
    public bool AutoCreateDb { get; set; }

    /// <summary>"env:NAME" or "file:/abs/path".</summary>
    public string? Inject { get; set; }
}

public sealed class VolumeSpec
{
    /// <summary>isolated (per instance) or shared (per project).</summary>
    public string Strategy { get; set; } = "isolated";

    public string Service { get; set; } = "";
    public string Mount { get; set; } = "";
    public string? SnapshotSource { get; set; }
}

public sealed class SecretSpec
{
    /// <summary>env (reads <see cref="Var"/>), file (reads <see cref="Path"/>), command (runs <see cref="Run"/>) or custom (not supported yet).</summary>
    public string Extractor { get; set; } = "env";

    /// <summary>extractor env: the host environment variable to read.</summary>
    public string? Var { get; set; }

    /// <summary>extractor file: the host file to read (absolute or ~/...).</summary>
    public string? Path { get; set; }

    /// <summary>extractor command: the shell command whose standard output is the value.</summary>
    public string? Run { get; set; }

    /// <summary>"env:NAME" or "file:/abs/path".</summary>
    public string Inject { get; set; } = "";

    /// <summary>How long an extracted value is used before it is extracted again ("1h"); null: until `coast rerun-extractors`.</summary>
    public string? Ttl { get; set; }

    public Dictionary<string, string> Params { get; set; } = new();
}

public sealed class InjectSpec
{
    public List<string> Env { get; set; } = new();
    public List<string> Files { get; set; } = new();
}

public sealed class AssignSpec
{
    /// <summary>none, hot, restart or rebuild.</summary>
    public string Default { get; set; } = "restart";

    public Dictionary<string, string> Services { get; set; } = new();
    public Dictionary<string, List<string>> RebuildTriggers { get; set; } = new();
    public List<string> ExcludePaths { get; set; } = new();
}

public sealed class OmitSpec
{
    public List<string> Services { get; set; } = new();
    public List<string> Volumes { get; set; } = new();
}

public sealed class RemoteSyncSpec
{
    /// <summary>rsync (default) or mutagen.</summary>
    public string WorkspaceSync { get; set; } = "rsync";
}
