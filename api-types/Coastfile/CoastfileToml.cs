using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Coast.ApiTypes.Coastfile;

/// <summary>
/// A Coastfile's TOML as Tomlyn's untyped model, through generated metadata (no reflection, so the native CLI
/// reads it too). Throws TomlException on a syntax error.
/// </summary>
public static class CoastfileToml
{
    public static TomlTable Parse(string text) => TomlSerializer.Deserialize(text, CoastfileTomlContext.Default.TomlTable) ?? new TomlTable();
}

[TomlSerializable(typeof(TomlTable))]
internal sealed partial class CoastfileTomlContext : TomlSerializerContext;
