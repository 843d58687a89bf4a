using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>Works out which project (namespace) a command is about.</summary>
public static class ProjectScope
{
    /// <summary>The explicit or default project; null when none can be inferred.</summary>
    public static string? Default(string? explicitProject) =>
        explicitProject
        ?? Environment.GetEnvironmentVariable("COAST_PROJECT")
        ?? LocalCoastfile.ProjectName(Directory.GetCurrentDirectory());

    /// <summary>
    /// Finds one named resource. Without a project, a name that exists in exactly one project is used;
    /// a name in several projects asks for -p.
    /// </summary>
    public static async Task<Resource> FindAsync(IResourceStore store, KindInfo kind, string name, string? project, CancellationToken ct)
    {
        if (!kind.Namespaced)
            return await store.GetAsync(new ResourceKey(kind.Kind, "", name), ct)
                ?? throw new NotFoundException(new ResourceKey(kind.Kind, "", name));
        var scope = Default(project);
        if (scope is not null)
            return await store.GetAsync(new ResourceKey(kind.Kind, scope, name), ct)
                ?? throw new CliException(
                    $"{kind.Kind} '{name}' not found in project '{scope}'. Run `coast get {kind.Plural} -p {scope}` to see them.",
                    ExitCodes.NotFound);
        var matches = (await store.ListAsync(kind.Kind, null, null, ct)).Where(r => r.Metadata.Name == name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"{kind.Kind} '{name}' not found. Run `coast get {kind.Plural}` to see them.", ExitCodes.NotFound),
            _ => throw new CliException(
                $"{kind.Kind} '{name}' exists in projects {string.Join(", ", matches.Select(m => m.Metadata.Namespace))}; pass -p PROJECT.",
                ExitCodes.Usage),
        };
    }
}
