using Tomlyn.Model;

namespace Coast.ApiTypes.Coastfile;

/// <summary>Inheritance rules: tables merge key by key, anything else (lists, scalars) is replaced.</summary>
internal static class TomlMerge
{
    public static TomlTable Merge(TomlTable baseTable, TomlTable overlay)
    {
        var result = Copy(baseTable);
        foreach (var (key, value) in overlay)
            result[key] = result.TryGetValue(key, out var existing) && existing is TomlTable a && value is TomlTable b
                ? Merge(a, b)
                : value;
        return result;
    }

    public static TomlTable Copy(TomlTable table)
    {
        var copy = new TomlTable();
        foreach (var (key, value) in table) copy[key] = value is TomlTable t ? Copy(t) : value;
        return copy;
    }

    /// <summary>[unset] section = ["key", ...] removes inherited keys: `ports = ["web"]`, `coast = ["primary_port"]`.</summary>
    public static void Unset(TomlTable target, TomlTable unset, string file, List<string> problems)
    {
        foreach (var (section, keys) in unset)
        {
            if (keys is not TomlArray list) continue;
            if (!target.TryGetValue(section, out var node) || node is not TomlTable table)
            {
                problems.Add($"{file}: [unset] {section}: there is no inherited [{section}] to remove keys from");
                continue;
            }
            foreach (var key in list.OfType<string>())
                if (!table.Remove(key)) problems.Add($"{file}: [unset] {section}: '{key}' is not inherited, nothing to unset");
        }
    }
}
