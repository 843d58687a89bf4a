using Coast.ApiTypes.Compose;
using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Assign;

/// <summary>The services an assign acts on: the compose services that run inside (not omitted, not shared) and the bare services.</summary>
public static class AssignServices
{
    /// <param name="composeText">The project's compose file, or null when it has none.</param>
    public static IReadOnlyList<string> Names(Project project, string? composeText)
    {
        var names = new List<string>(project.Spec.Services.Keys);
        if (composeText is not null && project.Spec.Compose is { } source)
            names.AddRange(ComposeFile.Parse(composeText, source).ServiceNames
                .Where(s => !project.Spec.Omit.Services.Contains(s) && !project.Spec.SharedServices.ContainsKey(s)));
        return names.Distinct().ToList();
    }

    public static bool IsBare(Project project, string service) => project.Spec.Services.ContainsKey(service);
}
