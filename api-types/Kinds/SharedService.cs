using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>
/// One `[shared_services.&lt;name&gt;]` of a project: a container on the host engine shared by all the project's
/// instances (named <c>&lt;project&gt;-shared-services-&lt;service&gt;</c>, on network <c>coast-shared-&lt;project&gt;</c>),
/// its named volumes kept across instance `rm` and across stop/start. Named after the service; the controller
/// writes it from the Project when an instance of the project runs.
/// </summary>
public sealed class SharedService : Resource<SharedServiceSpec, SharedServiceStatus>
{
    public const string KindName = "SharedService";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;

    /// <summary>Annotation whose new value asks for a restart (`coast shared-services restart`); answered in status.restarted.</summary>
    public const string RestartAnnotation = "coast.dev/restart";

    /// <summary>Annotation "true" before a delete: remove the service's volumes too (`coast shared-services rm --volumes`).</summary>
    public const string RemoveVolumesAnnotation = "coast.dev/remove-volumes";
}

public sealed class SharedServiceSpec
{
    public string Project { get; set; } = "";

    /// <summary>The key under [shared_services]; the name other containers reach it by.</summary>
    public string Service { get; set; } = "";

    /// <summary>A local image (no registry is reachable): it must exist on the host engine.</summary>
    public string Image { get; set; } = "";

    /// <summary>"5432" (same port on the host) or "5433:5432" (host:container). The only host ports it gets.</summary>
    public List<string> Ports { get; set; } = new();

    /// <summary>"name:/path" (named volume coast-shared--&lt;project&gt;--&lt;name&gt;) or "/host/dir:/path".</summary>
    public List<string> Volumes { get; set; } = new();

    public Dictionary<string, string> Env { get; set; } = new();

    /// <summary>Create a database per instance (Postgres) and inject its URL.</summary>
    public bool AutoCreateDb { get; set; }

    /// <summary>"env:NAME" or "file:/abs/path": how the service's URL reaches the instance's services.</summary>
    public string? Inject { get; set; }

    /// <summary>True: the container is stopped (volumes kept) until set back (`coast shared-services stop|start`).</summary>
    public bool Stopped { get; set; }
}

public sealed class SharedServiceStatus : ResourceStatus
{
    public string? Container { get; set; }
    public string? Network { get; set; }

    /// <summary>The container's address on the shared network, which instances map the service's name to.</summary>
    public string? Address { get; set; }

    /// <summary>Instances of the project using it (the reference count is their number).</summary>
    public List<string> Consumers { get; set; } = new();

    /// <summary>Databases made by auto_create_db, one per instance ("instance=database").</summary>
    public List<string> Databases { get; set; } = new();

    /// <summary>The restart annotation value last carried out.</summary>
    public string? Restarted { get; set; }

    /// <summary>Host ports published ("5433:5432").</summary>
    public List<string> HostPorts { get; set; } = new();
}

/// <summary>Condition reasons of a SharedService.</summary>
public static class SharedServiceReasons
{
    public const string Running = "Running";
    public const string Starting = "Starting";
    public const string Stopped = "Stopped";
    public const string ImageMissing = "ImageMissing";
    public const string HostPortTaken = "HostPortTaken";
    public const string StartFailed = "StartFailed";

    /// <summary>It ran and answered, and now fails its own check (Postgres query, Redis PING); it is restarted with backoff.</summary>
    public const string Unhealthy = "Unhealthy";

    /// <summary>Ready=False reasons an instance (and `coast run`) fails on instead of waiting.</summary>
    public static readonly IReadOnlySet<string> Failures = new HashSet<string> { ImageMissing, HostPortTaken, StartFailed };
}
