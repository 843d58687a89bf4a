using Coast.Controller.Docker;
using Coast.Controller.Instances;
using Coast.Controller.Ports;
using Coast.Controller.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Coast.Controller.Hosting;

public static class LocalInstanceServices
{
    /// <summary>The Docker engine, port allocation and checkout forwarding that local instances need.</summary>
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
        return services;
    }
}
