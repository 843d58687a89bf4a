using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

/// <summary>Validates a resource before it is stored, reporting every problem with its field path.</summary>
public static class ResourceValidator
{
    /// <summary>All problems found; empty when the resource is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(Resource resource)
    {
        // Filled in by the validation work: metadata names, per-kind spec rules.
        return [];
    }
}
