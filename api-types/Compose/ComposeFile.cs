using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Coast.ApiTypes.Compose;

/// <summary>A parsed compose file. Keeps the YAML tree so fields Coast does not touch survive a rewrite.</summary>
public sealed class ComposeFile
{
    private ComposeFile(YamlMappingNode root, string source)
    {
        Root = root;
        Source = source;
    }

    public YamlMappingNode Root { get; }
    public string Source { get; }

    public YamlMappingNode Services =>
        Root.Children.TryGetValue(new YamlScalarNode("services"), out var s) && s is YamlMappingNode map ? map : new YamlMappingNode();

    public IEnumerable<string> ServiceNames => Services.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!);

    public YamlMappingNode Service(string name) => (YamlMappingNode)Services.Children[new YamlScalarNode(name)];

    public static ComposeFile Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ComposeException($"compose file {source}: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ComposeException($"compose file {source}: expected a mapping with a 'services' section");
        if (!root.Children.TryGetValue(new YamlScalarNode("services"), out var services) || services is not YamlMappingNode servicesMap)
            throw new ComposeException($"compose file {source}: no 'services' section");
        foreach (var (key, value) in servicesMap.Children)
            if (value is not YamlMappingNode)
                throw new ComposeException($"compose file {source}: line {key.Start.Line}: service '{key}' must be a mapping");
        return new ComposeFile(root, source);
    }

    /// <summary>The service's `build:` (string or mapping form), or null when it uses an image.</summary>
    public ComposeBuild? BuildOf(string service)
    {
        var node = Service(service);
        if (!node.Children.TryGetValue(new YamlScalarNode("build"), out var build)) return null;
        return build switch
        {
            YamlScalarNode s => new ComposeBuild(s.Value ?? ".", "Dockerfile", new Dictionary<string, string>()),
            YamlMappingNode m => new ComposeBuild(
                Scalar(m, "context") ?? ".",
                Scalar(m, "dockerfile") ?? "Dockerfile",
                m.Children.TryGetValue(new YamlScalarNode("args"), out var a) && a is YamlMappingNode args
                    ? args.Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString())
                    : new Dictionary<string, string>()),
            _ => throw new ComposeException($"compose file {Source}: service '{service}': build must be a path or a mapping"),
        };
    }

    public string? ImageOf(string service) => Scalar(Service(service), "image");

    public string Serialize()
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(Root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n") ? text[..^4] : text;
    }

    private static string? Scalar(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
}

/// <summary>A compose `build:` section: context and Dockerfile relative to the compose file.</summary>
public sealed record ComposeBuild(string Context, string Dockerfile, IReadOnlyDictionary<string, string> Args);
