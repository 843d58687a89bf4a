using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coast.ApiTypes.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Coast.ApiTypes.Serialization;

/// <summary>YAML form of resources: the same fields as <see cref="ResourceJson"/>, multi-document aware.</summary>
public static class ResourceYaml
{
    private static readonly string[] TopOrder = ["apiVersion", "kind", "metadata", "spec", "status"];

    public static string Serialize(Resource resource)
    {
        var json = JsonNode.Parse(ResourceJson.Serialize(resource))!.AsObject();
        if (json["metadata"] is JsonObject metadata)
            foreach (var empty in metadata.Where(kv => kv.Value is JsonObject { Count: 0 } or JsonArray { Count: 0 }).Select(kv => kv.Key).ToList())
                metadata.Remove(empty);
        var ordered = new JsonObject();
        foreach (var name in TopOrder.Concat(json.Select(kv => kv.Key)).Distinct())
            if (json.TryGetPropertyValue(name, out var value) && !IsEmptyStatus(name, value))
                ordered[name] = value?.DeepClone();
        var doc = new YamlDocument(YamlJsonBridge.ToYaml(ordered));
        var writer = new StringWriter();
        new YamlStream(doc).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream writes a document end marker; a resource reads best without it.
        return text.EndsWith("...\n") ? text[..^4] : text;
    }

    public static string SerializeAll(IEnumerable<Resource> resources) =>
        string.Join("---\n", resources.Select(Serialize));

    /// <summary>Reads every document (empty ones are skipped). All problems are collected into one ManifestException.</summary>
    public static IReadOnlyList<Resource> DeserializeAll(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ManifestException([$"{sourceName}: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}"]);
        }

        var problems = new List<string>();
        var resources = new List<Resource>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" }) continue;
            var where = stream.Documents.Count > 1 ? $"{sourceName}: document {i + 1}" : sourceName;
            try
            {
                resources.Add(FromNode(root, where));
            }
            catch (ManifestException e)
            {
                problems.AddRange(e.Problems);
            }
            catch (YamlException e)
            {
                problems.Add($"{where}: line {e.Start.Line}: {e.Message}");
            }
        }
        if (problems.Count > 0) throw new ManifestException(problems);
        return resources;
    }

    private static Resource FromNode(YamlNode root, string where)
    {
        if (YamlJsonBridge.ToJson(root) is not JsonObject obj)
            throw new ManifestException([$"{where}: line {root.Start.Line}: a resource must be a mapping with apiVersion, kind, metadata and spec"]);
        var kind = obj["kind"]?.GetValueKind() == JsonValueKind.String ? obj["kind"]!.GetValue<string>() : null;
        if (kind is null) throw new ManifestException([$"{where}: kind: required"]);
        var info = ResourceKinds.Find(kind);
        if (info is null || info.Kind != kind)
            throw new ManifestException([$"{where}: kind: unknown kind '{kind}' (known: {string.Join(", ", ResourceKinds.All.Select(k => k.Kind))})"]);
        var apiVersion = obj["apiVersion"]?.ToString();
        if (apiVersion != Resource.CurrentApiVersion)
            throw new ManifestException([$"{where}: apiVersion: must be {Resource.CurrentApiVersion}, got '{apiVersion}'"]);
        try
        {
            return (Resource)obj.Deserialize(ResourceJson.Options.GetTypeInfo(info.ClrType))!;
        }
        catch (JsonException e)
        {
            throw new ManifestException([$"{where}: {Describe(e)}"]);
        }
    }

    /// <summary>Turns System.Text.Json's message into "field.path: problem".</summary>
    private static string Describe(JsonException e)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var message = e.Message;
        if (message.Contains("could not be mapped to any .NET member"))
        {
            var start = message.IndexOf('\'') + 1;
            var field = message[start..message.IndexOf('\'', start)];
            var parent = path.Contains('.') ? path[..path.LastIndexOf('.')] : "";
            return $"{(parent.Length > 0 ? parent + "." : "")}{field}: unknown field";
        }
        if (message.Contains("could not be converted"))
            return $"{path}: wrong type ({message[..message.IndexOf(". Path", StringComparison.Ordinal)].Replace("The JSON value could not be converted to ", "expected ")})";
        return $"{path}: {message}";
    }

    private static bool IsEmptyStatus(string name, JsonNode? value) =>
        name == "status" && value is JsonObject s
        && s.All(kv => kv.Value is null
            || (kv.Value is JsonArray a && a.Count == 0)
            || (kv.Value is JsonObject o && o.Count == 0)
            || (kv.Key == "observedGeneration" && kv.Value.GetValue<long>() == 0));
}
