using Coast.Controller.Instances.BareServices;
using Coast.Controller.Instances.Injection;
using Coast.Controller.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Coast.Controller.Hosting;

public static class SecretAndVolumeServices
{
    /// <summary>The secret key file (in the Coast home), and the injection of secrets and [inject] values into instances.</summary>
    public static IServiceCollection AddCoastSecrets(this IServiceCollection services)
    {
        services.AddSingleton(_ => SecretKeyRing.FromCoastHome());
        services.AddSingleton<InstanceInjection>();
        services.AddSingleton<IServiceEnvironment, InjectedServiceEnvironment>();
        return services;
    }

    /// <summary>[volumes]: the host volumes of instances, and the copy of a snapshot_source.</summary>
    public static IServiceCollection AddCoastVolumes(this IServiceCollection services)
    {
        services.AddSingleton<Coast.Controller.Docker.IVolumeSeeder, Coast.Controller.Docker.DockerVolumeSeeder>();
        services.AddSingleton<Coast.Controller.Instances.Volumes.VolumeStep>();
        return services;
    }
}
