using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

/// <summary>Validates a resource before it is stored, reporting every problem with its field path.</summary>
public static class ResourceValidator
{
    /// <summary>All problems found; empty when the resource is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(Resource resource)
    {
        var p = new Problems();
        MetadataValidator.Validate(resource, p);
        switch (resource)
        {
            case Project project: ProjectValidator.Validate(project, p); break;
            case Instance instance: KindValidators.Instance(instance, p); break;
            case Checkout checkout: KindValidators.Checkout(checkout, p); break;
            case Build build: KindValidators.Build(build, p); break;
            case RemoteHost host: KindValidators.RemoteHost(host, p); break;
            case Tunnel tunnel: RemoteKindValidators.Tunnel(tunnel, p); break;
            case SyncSession sync: RemoteKindValidators.SyncSession(sync, p); break;
            case GitSource source: GitSourceValidator.Validate(source, p); break;
            case Secret secret: SecretValidator.Secret(secret, p); break;
            case SharedService shared: SharedServiceValidator.Validate(shared, p); break;
        }
        return p.Errors;
    }
}
