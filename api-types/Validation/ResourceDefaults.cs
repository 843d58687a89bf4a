using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

/// <summary>Fills fields a manifest may leave out, before validation (and before the key is used).</summary>
public static class ResourceDefaults
{
    public static void Apply(Resource resource)
    {
        // A project is its own namespace: `metadata.namespace` may be omitted.
        if (resource is Project p && string.IsNullOrEmpty(p.Metadata.Namespace)) p.Metadata.Namespace = p.Metadata.Name;
    }
}
