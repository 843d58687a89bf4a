using Tomlyn.Model;

namespace Coast.ApiTypes.Coastfile;

/// <summary>Checks one file's TOML against the Coastfile format: unknown keys and wrong types, all of them.</summary>
internal sealed class ShapeChecker(string file, List<string> problems, List<string> warnings)
{
    public void CheckRoot(TomlTable root)
    {
        foreach (var (key, value) in root)
        {
            if (CoastfileFormat.NotYetImplemented.Contains(key))
            {
                warnings.Add($"{file}: [{key}] is accepted but not supported by Coast yet; it is ignored");
                continue;
            }
            if (!CoastfileFormat.Root.Fields.TryGetValue(key, out var shape))
            {
                problems.Add(value is TomlTable
                    ? $"{file}: unknown section [{key}]"
                    : $"{file}: unknown key '{key}' at the top level (keys belong in a section such as [coast])");
                continue;
            }
            Check(value, shape, [key]);
        }
    }

    private void Check(object value, Shape shape, List<string> path)
    {
        switch (shape)
        {
            case ScalarShape s when s.ClrType.IsInstanceOfType(value):
                return;
            case EitherShape e:
                if (Fits(value, e.First) || Fits(value, e.Second)) return;
                break;
            case ListShape l when value is TomlArray array:
                for (var i = 0; i < array.Count; i++) Check(array[i]!, l.Item, [.. path[..^1], $"{path[^1]}[{i}]"]);
                return;
            case ListShape { SingleAllowed: true } l when Fits(value, l.Item):
                return;
            case TableShape t when value is TomlTable table:
                foreach (var (key, v) in table)
                {
                    if (t.Fields.TryGetValue(key, out var fieldShape)) Check(v, fieldShape, [.. path, key]);
                    else problems.Add($"{file}: unknown key '{key}' in [{string.Join('.', path)}]");
                }
                return;
            case MapShape m when value is TomlTable map:
                foreach (var (key, v) in map) Check(v, m.Value, [.. path, key]);
                return;
            case TableArrayShape ta when value is TomlTableArray tables:
                for (var i = 0; i < tables.Count; i++) Check(tables[i], ta.Item, [.. path[..^1], $"{path[^1]}[{i}]"]);
                return;
        }
        problems.Add($"{file}: {Where(path)}: expected {shape.Description}, got {Describe(value)}");
    }

    private static bool Fits(object value, Shape shape) => shape is ScalarShape s && s.ClrType.IsInstanceOfType(value);

    /// <summary>"[section] key" the way a user finds it in the file.</summary>
    public static string Where(IReadOnlyList<string> path) =>
        path.Count == 1 ? $"[{path[0]}]" : $"[{string.Join('.', path.Take(path.Count - 1))}] {path[^1]}";

    private static string Describe(object value) => value switch
    {
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        TomlArray => "a list",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        _ => value.GetType().Name,
    };
}
