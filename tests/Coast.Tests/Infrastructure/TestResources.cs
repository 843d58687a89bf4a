using Coast.ApiTypes.Kinds;

namespace Coast.Tests.Infrastructure;

/// <summary>Small valid resources for tests.</summary>
public static class TestResources
{
    public static Project Project(string name = "demo", int webPort = 3000) => new()
    {
        Metadata = { Name = name, Namespace = name, Labels = { ["team"] = "core" } },
        Spec = { RootDir = "/srv/" + name, Compose = "docker-compose.yml", Ports = { ["web"] = webPort } },
    };

    public static Instance Instance(string name, string project = "demo") => new()
    {
        Metadata = { Name = name, Namespace = project },
        Spec = { Project = project },
    };

    public static Checkout Checkout(string project = "demo", string? instance = null) => new()
    {
        Metadata = { Name = project, Namespace = project },
        Spec = { Project = project, Instance = instance },
    };

    public static Tunnel Tunnel(string name = "dev-1", string project = "demo") => new()
    {
        Metadata = { Name = name, Namespace = project },
        Spec =
        {
            Project = project, Instance = name, RemoteHost = "box",
            Forwards = { new TunnelForward { Name = "web", LocalPort = 0, RemotePort = 52340 }, new TunnelForward { Name = "api", LocalPort = 25001, RemotePort = 52341 } },
            ReverseBinds = { new TunnelReverseBind { Name = "postgres", RemotePort = 25432, LocalPort = 5432 } },
        },
    };

    public static SyncSession SyncSession(string name = "dev-1", string project = "demo") => new()
    {
        Metadata = { Name = name, Namespace = project },
        Spec = { Project = project, Instance = name, RemoteHost = "box", LocalPath = "/srv/demo", RemotePath = "/data/workspaces/demo/dev-1", Mode = SyncModes.Continuous },
    };
}
