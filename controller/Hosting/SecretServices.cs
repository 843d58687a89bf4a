using Coast.Controller.Instances.BareServices;
using Coast.Controller.Instances.Injection;
using Coast.Controller.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Coast.Controller.Hosting;

public static class SecretServices
{
    /// <summary>The secret key file (in the Coast home), and the injection of secrets and [inject] values into instances.</summary>
    public static IServiceCollection AddCoastSecrets(this IServiceCollection services)
    {
        services.AddSingleton(_ => SecretKeyRing.FromCoastHome());
        services.AddSingleton<InstanceInjection>();
        services.AddSingleton<IServiceEnvironment, InjectedServiceEnvironment>();
        return services;
    }
}
