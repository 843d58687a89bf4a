using System.Text.Json.Nodes;
using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.ApiTypes.Validation;
using Coast.Controller.Runtime;

namespace Coast.Controller.GitOps;

/// <summary>
/// Reads a revision's manifests folder: every `*.yaml`/`*.yml` file (all documents) and every `Coastfile`
/// (a Project), in any subfolder but hidden ones. Every document is validated; one problem anywhere rejects
/// the whole revision (<see cref="GitSourceNames.ValidationFailed"/>, naming file and field), so nothing of
/// a bad revision is ever applied.
/// </summary>
public static class ManifestFolder
{
    private const int ProblemsShown = 5;

    /// <param name="checkout">The revision's files.</param>
    /// <param name="folder">spec.path inside it.</param>
    /// <param name="servedFrom">Where the revision's files will live once applied (a Coastfile's project root points there).</param>
    public static IReadOnlyList<Resource> Load(string checkout, string folder, string servedFrom)
    {
        var root = Path.GetFullPath(Path.Combine(checkout, folder));
        if (!Directory.Exists(root))
            throw new ReconcileFailedException(GitSourceNames.ValidationFailed, $"spec.path: '{folder}' is not a folder of this revision");
        var problems = new List<string>();
        var resources = new List<(string File, Resource Resource)>();
        // Coastfiles first: the compose file a Coastfile names is the project's, not a manifest.
        var composeFiles = new HashSet<string>();
        foreach (var file in Files(root).OrderBy(f => Path.GetFileName(f) != "Coastfile"))
        {
            var relative = Path.GetRelativePath(checkout, file);
            try
            {
                if (Path.GetFileName(file) == "Coastfile")
                {
                    var project = FromCoastfile(file, relative, checkout, servedFrom);
                    if (project.Spec.Compose is { } compose)
                        composeFiles.Add(Path.GetFullPath(Path.Combine(checkout, Path.GetRelativePath(servedFrom, project.Spec.RootDir), compose)));
                    resources.Add((relative, project));
                }
                else if (!composeFiles.Contains(file))
                    resources.AddRange(ResourceYaml.DeserializeAll(File.ReadAllText(file), relative).Select(r => (relative, Clean(r))));
            }
            catch (ManifestException e) { problems.AddRange(e.Problems); }
            catch (CoastfileException e) { problems.AddRange(e.Problems.Select(p => Prefixed(relative, p))); }
        }
        foreach (var (file, resource) in resources)
        {
            ResourceDefaults.Apply(resource);
            problems.AddRange(ResourceValidator.Validate(resource).Select(e => $"{file}: {resource.Kind} {resource.Metadata.Name}: {e}"));
        }
        foreach (var twice in resources.GroupBy(r => r.Resource.Key).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(", ", twice.Select(t => t.File).Distinct())}: {twice.Key} is declared more than once");
        if (problems.Count > 0)
        {
            var more = problems.Count > ProblemsShown ? $" (and {problems.Count - ProblemsShown} more)" : "";
            throw new ReconcileFailedException(GitSourceNames.ValidationFailed, string.Join("; ", problems.Take(ProblemsShown)) + more);
        }
        return resources.Select(r => r.Resource).ToList();
    }

    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => !Path.GetRelativePath(root, f).Split('/').Any(part => part.StartsWith('.')))
            .Where(f => Path.GetFileName(f) == "Coastfile" || f.EndsWith(".yaml") || f.EndsWith(".yml"))
            .Order(StringComparer.Ordinal);

    private static Project FromCoastfile(string file, string relative, string checkout, string servedFrom)
    {
        // ${VAR} in a Coastfile from a repository is not filled from the controller's environment.
        var project = CoastfileLoader.Load(file, new PhysicalCoastfileSource(), new Dictionary<string, string?>()).Project;
        var rootInCheckout = Path.GetRelativePath(checkout, project.Spec.RootDir);
        if (rootInCheckout.StartsWith(".."))
            throw new CoastfileException([$"{relative}: coast.root: must stay inside the repository"]);
        project.Spec.RootDir = Path.GetFullPath(Path.Combine(servedFrom, rootInCheckout));
        return project;
    }

    /// <summary>Drops what the store sets (identity, versions, status) so a manifest only states desired state.</summary>
    private static Resource Clean(Resource r)
    {
        var node = JsonNode.Parse(ResourceJson.Serialize(r))!.AsObject();
        node.Remove("status");
        var clean = ResourceJson.Deserialize(node.ToJsonString());
        var m = clean.Metadata;
        (m.Uid, m.ResourceVersion, m.Generation, m.CreationTimestamp, m.DeletionTimestamp) = (null, null, 0, null, null);
        m.Finalizers.Clear();
        m.OwnerReferences.Clear();
        return clean;
    }

    private static string Prefixed(string relative, string problem)
    {
        var dir = Path.GetDirectoryName(relative);
        return string.IsNullOrEmpty(dir) ? problem : $"{dir}/{problem}";
    }
}
