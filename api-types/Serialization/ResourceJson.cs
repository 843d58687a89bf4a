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
        // Generated metadata for the kinds; anything else (spec objects hashed by Canonical) by reflection.
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            ResourceJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    public static string Serialize(Resource resource, bool indented = false) =>
        JsonSerializer.Serialize(resource, resource.GetType(), indented ? IndentedOptions : Options);

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
        return (Resource)JsonSerializer.Deserialize(json, info.ClrType, Options)!;
    }

    public static T Deserialize<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("Empty JSON document.");

    /// <summary>Canonical JSON of any object (spec hashing, change detection).</summary>
    public static string Canonical(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>A deep copy through JSON.</summary>
    public static T Clone<T>(T resource) where T : Resource => (T)Deserialize(Serialize(resource));
}
