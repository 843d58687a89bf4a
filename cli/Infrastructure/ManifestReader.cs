using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.ApiTypes.Validation;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Reads the resources named by `apply -f` (YAML/JSON manifests, Coastfiles, a directory of them, or stdin)
/// and validates them all. Any problem anywhere fails the whole invocation before anything is written.
/// </summary>
public sealed class ManifestReader(TextReader stdin, TextWriter warnings)
{
    public IReadOnlyList<Resource> Read(IReadOnlyList<string> inputs)
    {
        var problems = new List<string>();
        var resources = new List<(Resource Resource, string Source)>();
        foreach (var input in inputs)
            foreach (var (text, source, isCoastfile) in Expand(input, problems))
                resources.AddRange(Parse(text, source, isCoastfile, problems).Select(r => (r, source)));

        foreach (var (resource, _) in resources) ResourceDefaults.Apply(resource);
        foreach (var (resource, source) in resources)
            problems.AddRange(ResourceValidator.Validate(resource).Select(e => $"{source}: {resource.Kind}/{resource.Metadata.Name}: {e}"));
        foreach (var dup in resources.GroupBy(r => r.Resource.Key).Where(g => g.Count() > 1))
            problems.Add($"{dup.Key} is defined more than once ({string.Join(", ", dup.Select(d => d.Source).Distinct())}).");

        if (problems.Count > 0) throw new ManifestProblemsException(problems);
        if (resources.Count == 0) throw new CliException($"no resources found in {string.Join(", ", inputs)}.");
        return resources.Select(r => r.Resource).ToList();
    }

    private IEnumerable<(string Text, string Source, bool IsCoastfile)> Expand(string input, List<string> problems)
    {
        if (input == "-")
        {
            yield return (stdin.ReadToEnd(), "<stdin>", false);
            yield break;
        }
        if (Directory.Exists(input))
        {
            var files = Directory.GetFiles(input).Where(IsManifestFile).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) problems.Add($"{input}: no .yaml, .yml, .json or Coastfile files in this directory.");
            foreach (var f in files) yield return (File.ReadAllText(f), f, IsCoastfile(f));
            yield break;
        }
        if (!File.Exists(input))
        {
            problems.Add($"{input}: no such file or directory.");
            yield break;
        }
        yield return (File.ReadAllText(input), input, IsCoastfile(input));
    }

    private IEnumerable<Resource> Parse(string text, string source, bool isCoastfile, List<string> problems)
    {
        try
        {
            if (isCoastfile)
            {
                var result = CoastfileLoader.Load(Path.GetFullPath(source), new PhysicalCoastfileSource(), ProcessEnvironment.Variables());
                foreach (var w in result.Warnings) warnings.WriteLine($"warning: {w}");
                return [result.Project];
            }
            return text.TrimStart().StartsWith('{')
                ? [ResourceJson.Deserialize(text)]
                : ResourceYaml.DeserializeAll(text, source);
        }
        catch (CoastfileException e)
        {
            problems.AddRange(e.Problems);
        }
        catch (ManifestException e)
        {
            problems.AddRange(e.Problems);
        }
        catch (System.Text.Json.JsonException e)
        {
            problems.Add($"{source}: {e.Message}");
        }
        return [];
    }

    private static bool IsCoastfile(string path) => Path.GetFileName(path).StartsWith("Coastfile", StringComparison.Ordinal);

    private static bool IsManifestFile(string path) =>
        IsCoastfile(path) || Path.GetExtension(path) is ".yaml" or ".yml" or ".json";
}
