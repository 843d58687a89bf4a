using Coast.ApiTypes.Compose;
using YamlDotNet.RepresentationModel;

namespace Coast.Controller.Compose;

/// <summary>
/// Points a compose service's volume at the one Coast made: in the named service, an entry whose source is the
/// volume's name or whose target is its mount becomes a bind of <c>Source</c> (the Coast volume as mounted in the
/// instance); without such an entry one is added. A top-level named volume no service uses any more goes.
/// </summary>
public static class ComposeVolumes
{
    public sealed record Mapping(string Name, string Service, string Mount, string Source);

    public static void Apply(ComposeFile file, IReadOnlyList<Mapping> mappings)
    {
        foreach (var m in mappings)
        {
            if (!file.ServiceNames.Contains(m.Service))
                throw new ComposeException($"compose file {file.Source}: [volumes.{m.Name}] service '{m.Service}' is not a service of it (services: {string.Join(", ", file.ServiceNames)})");
            var svc = file.Service(m.Service);
            var key = new YamlScalarNode("volumes");
            if (!svc.Children.TryGetValue(key, out var node) || node is not YamlSequenceNode list)
            {
                list = new YamlSequenceNode();
                svc.Children[key] = list;
            }
            var replacement = new YamlScalarNode($"{m.Source}:{m.Mount}");
            var index = list.Children.ToList().FindIndex(e => Matches(e, m));
            if (index >= 0) list.Children[index] = replacement;
            else list.Children.Add(replacement);
        }
        if (!file.Root.Children.TryGetValue(new YamlScalarNode("volumes"), out var top) || top is not YamlMappingNode topVolumes) return;
        var used = file.ServiceNames.SelectMany(n => Sources(file.Service(n))).ToHashSet();
        foreach (var m in mappings.Where(m => !used.Contains(m.Name))) topVolumes.Children.Remove(new YamlScalarNode(m.Name));
    }

    private static bool Matches(YamlNode entry, Mapping m) => entry switch
    {
        YamlScalarNode s when s.Value is { } v => v.Split(':') is var parts && (parts[0] == m.Name || (parts.Length > 1 && parts[1] == m.Mount)),
        YamlMappingNode map => Scalar(map, "source") == m.Name || Scalar(map, "target") == m.Mount,
        _ => false,
    };

    private static IEnumerable<string> Sources(YamlMappingNode svc)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("volumes"), out var node) || node is not YamlSequenceNode list) yield break;
        foreach (var e in list.Children)
            if ((e is YamlScalarNode s ? s.Value?.Split(':')[0] : e is YamlMappingNode map ? Scalar(map, "source") : null) is { } source) yield return source;
    }

    private static string? Scalar(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
}
