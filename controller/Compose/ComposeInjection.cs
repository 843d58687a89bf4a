using Coast.ApiTypes.Compose;
using YamlDotNet.RepresentationModel;

namespace Coast.Controller.Compose;

/// <summary>
/// Gives every compose service the injected env and files: `NAME: ${NAME}` in its environment (compose fills it
/// from the env file, the same place `${NAME}` interpolation elsewhere in the file reads) unless the service sets
/// NAME itself, and a read-only bind mount of each injected file at its path. The values never enter the file.
/// </summary>
public static class ComposeInjection
{
    public static void Apply(ComposeFile file, IReadOnlyCollection<string> envNames, IReadOnlyList<(string Source, string Target)> files)
    {
        foreach (var name in file.ServiceNames.ToList())
        {
            var svc = file.Service(name);
            if (envNames.Count > 0) AddEnvironment(svc, envNames);
            if (files.Count > 0) AddMounts(svc, files);
        }
    }

    private static void AddEnvironment(YamlMappingNode svc, IReadOnlyCollection<string> names)
    {
        var key = new YamlScalarNode("environment");
        if (!svc.Children.TryGetValue(key, out var existing))
        {
            existing = new YamlMappingNode();
            svc.Children[key] = existing;
        }
        switch (existing)
        {
            case YamlMappingNode map:
                foreach (var n in names.Where(n => !map.Children.ContainsKey(new YamlScalarNode(n))))
                    map.Children[new YamlScalarNode(n)] = new YamlScalarNode($"${{{n}}}");
                break;
            case YamlSequenceNode list:
                var set = list.Children.OfType<YamlScalarNode>().Select(e => e.Value!.Split('=')[0]).ToHashSet();
                foreach (var n in names.Where(n => !set.Contains(n))) list.Children.Add(new YamlScalarNode($"{n}=${{{n}}}"));
                break;
        }
    }

    private static void AddMounts(YamlMappingNode svc, IReadOnlyList<(string Source, string Target)> files)
    {
        var key = new YamlScalarNode("volumes");
        if (!svc.Children.TryGetValue(key, out var existing) || existing is not YamlSequenceNode list)
        {
            list = new YamlSequenceNode();
            svc.Children[key] = list;
        }
        foreach (var (source, target) in files) list.Children.Add(new YamlScalarNode($"{source}:{target}:ro"));
    }
}
