using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Serialization;

/// <summary>The one JSON form of resources: camelCase, nulls omitted. Used by the store and `-o json`.</summary>
public static class ResourceJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: false);
    public static JsonSerializerOptions IndentedOptions { get; } = CreateOptions(indented: true);

    private static JsonSerializerOptions CreateOptions(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Generated metadata only (no reflection, so the native CLI works): the kinds and every type they contain,
        // spec objects (hashed by Canonical) among them.
        TypeInfoResolver = ResourceJsonContext.Default,
    };

    public static string Serialize(Resource resource, bool indented = false) =>
        JsonSerializer.Serialize(resource, (indented ? IndentedOptions : Options).GetTypeInfo(resource.GetType()));

    /// <summary>Reads a resource whose kind is named in its own "kind" property.</summary>
    public static Resource Deserialize(string json)
    {
        string? kind;
        using (var doc = JsonDocument.Parse(json))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("Expected a JSON object.");
            kind = doc.RootElement.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        }
        if (kind is null) throw new JsonException("Missing 'kind'.");
        var info = ResourceKinds.Find(kind) ?? throw new JsonException($"Unknown kind '{kind}'.");
        return (Resource)JsonSerializer.Deserialize(json, Options.GetTypeInfo(info.ClrType))!;
    }

    public static T Deserialize<T>(string json) where T : Resource =>
        (T?)JsonSerializer.Deserialize(json, Options.GetTypeInfo(typeof(T))) ?? throw new JsonException("Empty JSON document.");

    /// <summary>Canonical JSON of a resource or of an object inside one (spec hashing, change detection).</summary>
    public static string Canonical(object value) => JsonSerializer.Serialize(value, Options.GetTypeInfo(value.GetType()));

    /// <summary>A deep copy through JSON.</summary>
    public static T Clone<T>(T resource) where T : Resource => (T)Deserialize(Serialize(resource));
}
