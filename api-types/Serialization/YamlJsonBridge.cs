using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Coast.ApiTypes.Serialization;

/// <summary>
/// Converts between YAML node trees and JSON nodes, typing plain scalars the YAML 1.2 core way
/// (null, booleans, integers, floats); quoted scalars always stay strings.
/// </summary>
internal static class YamlJsonBridge
{
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToValue(scalar),
        _ => throw new YamlException(node.Start, node.End, "unsupported YAML node (aliases are not supported)"),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new YamlException(k.Start, k.End, "mapping keys must be plain strings");
            if (obj.ContainsKey(key)) throw new YamlException(k.Start, k.End, $"duplicate key '{key}'");
            obj[key] = ToJson(v);
        }
        return obj;
    }

    private static JsonNode? ToValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (text.Any(char.IsDigit) && !text.Contains(':')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    public static YamlNode ToYaml(JsonNode? node) => node switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        JsonObject obj => new YamlMappingNode(obj.Select(kv => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(kv.Key), ToYaml(kv.Value)))),
        JsonArray arr => new YamlSequenceNode(arr.Select(ToYaml)),
        JsonValue v => Scalar(v),
        _ => throw new InvalidOperationException("unexpected JSON node"),
    };

    private static YamlScalarNode Scalar(JsonValue v)
    {
        if (v.TryGetValue<string>(out var s))
        {
            // Strings that would read back as another type (or are empty) are quoted.
            var plain = ToValue(new YamlScalarNode(s)) is JsonValue back && back.TryGetValue<string>(out var same) && same == s;
            return new YamlScalarNode(s) { Style = plain && s.Length > 0 && !s.Contains('\n') ? ScalarStyle.Any : ScalarStyle.DoubleQuoted };
        }
        return new YamlScalarNode(v.ToJsonString().Trim('"')) { Style = ScalarStyle.Plain };
    }
}
