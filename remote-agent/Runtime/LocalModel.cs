using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Remote;

namespace Coast.RemoteAgent.Runtime;

/// <summary>
/// A remote instance seen as the controller's own Instance and Project, so the agent drives its DinD with the
/// controller's runtime code (InstanceContainerPlan, InnerStack) unchanged: the workspace is the project root
/// and the remote dynamic ports are the instance's dynamic ports.
/// </summary>
public static class LocalModel
{
    public static (Instance Instance, Project Project) Of(RemoteInstance remote, IReadOnlyList<RemotePort> ports, string workspace)
    {
        var project = new Project();
        project.Metadata.Name = remote.Project;
        project.Metadata.Namespace = remote.Project;
        project.Spec.RootDir = workspace;
        project.Spec.PrivatePaths = [.. remote.Spec.PrivatePaths];
        // Injected values: compose then runs with the injected env file (InstanceLayout.Injects reads [inject]).
        if (remote.Spec.InjectedFingerprint is not null) project.Spec.Inject.Env = ["COAST_REMOTE_INJECTED"];
        var instance = new Instance();
        instance.Metadata.Name = remote.Name;
        instance.Metadata.Namespace = remote.Project;
        instance.Spec.Project = remote.Project;
        instance.Status.Ports = ports.Select(p => new PortStatus { Name = p.Name, Canonical = p.Canonical, Dynamic = p.RemoteDynamic }).ToList();
        return (instance, project);
    }
}
