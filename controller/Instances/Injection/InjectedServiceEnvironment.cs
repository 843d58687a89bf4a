using Coast.ApiTypes.Kinds;
using Coast.Controller.Instances.BareServices;

namespace Coast.Controller.Instances.Injection;

/// <summary>The injected env (secrets with env:NAME, [inject] env) for every bare service; files are written by <see cref="InjectionWriter"/>.</summary>
public sealed class InjectedServiceEnvironment(InstanceInjection injection) : IServiceEnvironment
{
    public async Task<IReadOnlyDictionary<string, string>> ForServiceAsync(Project project, Instance instance, string service, CancellationToken ct)
    {
        var (values, _) = await injection.ResolveAsync(project, ct);
        return values?.Env ?? new Dictionary<string, string>();
    }
}
