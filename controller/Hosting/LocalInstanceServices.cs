using Coast.Controller.Docker;
using Coast.Controller.Instances;
using Coast.Controller.Ports;
using Coast.Controller.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Coast.Controller.Hosting;

public static class LocalInstanceServices
{
    /// <summary>The Docker engine, port allocation and checkout forwarding that local instances need, and the routing of remote ones.</summary>
    public static IServiceCollection AddCoastLocalInstances(this IServiceCollection services)
    {
        services.AddSingleton<DockerContainerEngine>();
        services.AddSingleton<IContainerEngine>(sp => sp.GetRequiredService<DockerContainerEngine>());
        services.AddSingleton<IContainerEvents, DockerContainerEvents>();
        services.AddSingleton<IInnerEngineFactory, InnerEngineFactory>();
        services.AddSingleton<IPortProbe, PortProbe>();
        services.AddSingleton<PortAllocator>();
        services.AddSingleton<InstancePorts>();
        services.AddSingleton(InstanceSettings.FromEnvironment());
        services.AddSingleton<CanonicalPortBinder>();
        services.AddSingleton<IWakeSource, DockerEventWakeSource>();
        // Remote instances: the same Instance reconciler routes them to the host's agent.
        services.AddSingleton<Remote.Hosts.RemoteHostConnections>();
        services.AddSingleton<Remote.Instances.RemoteAgents>();
        services.AddSingleton<Remote.Instances.IRemotePortForwards, Remote.Instances.TunnelPortForwards>();
        services.AddSingleton<Remote.Instances.IWorkspaceTransfer, Remote.Instances.SyncSessionWorkspace>();
        services.AddSingleton<Remote.Instances.RemoteInstanceReconciler>();
        return services;
    }
}
