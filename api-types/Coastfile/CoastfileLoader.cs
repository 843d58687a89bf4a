using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Validation;
using Tomlyn;
using Tomlyn.Model;

namespace Coast.ApiTypes.Coastfile;

/// <summary>
/// Loads a Coastfile into a Project: parses TOML, checks every file against the format, follows
/// `extends` and `includes` (cycles are errors), applies [unset], interpolates ${VAR}, converts and
/// validates. All problems are reported together.
/// </summary>
public static class CoastfileLoader
{
    public static CoastfileResult Load(string coastfilePath, ICoastfileSource source, IReadOnlyDictionary<string, string?> environment)
    {
        var path = Path.GetFullPath(coastfilePath);
        var state = new LoadState(source, environment);
        var merged = state.LoadChain(path, []);
        if (state.Problems.Count > 0) throw new CoastfileException(state.Problems);

        var project = ProjectReader.Read(merged, path, state.Problems);
        if (state.Problems.Count == 0)
            state.Problems.AddRange(ResourceValidator.Validate(project).Select(e => $"{Path.GetFileName(path)}: {ValidationPathMapper.ToCoastfileKey(e.Path)}: {e.Message}"));
        if (state.Problems.Count > 0) throw new CoastfileException(state.Problems);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state.Contents.ToString())));
        return new CoastfileResult(project, state.Warnings, hash);
    }

    /// <summary>`Coastfile`, or for a type: `Coastfile.&lt;type&gt;` then `Coastfile.&lt;type&gt;.toml`.</summary>
    public static string Find(string dir, string? type, ICoastfileSource source)
    {
        var candidates = type is null ? ["Coastfile"] : new[] { $"Coastfile.{type}", $"Coastfile.{type}.toml" };
        foreach (var name in candidates)
        {
            var full = Path.Combine(dir, name);
            if (source.Exists(full)) return full;
        }
        throw new CoastfileException([$"no {string.Join(" or ", candidates)} in {dir}"]);
    }

    private sealed class LoadState(ICoastfileSource source, IReadOnlyDictionary<string, string?> environment)
    {
        public List<string> Problems { get; } = new();
        public List<string> Warnings { get; } = new();
        public StringBuilder Contents { get; } = new();

        public TomlTable LoadChain(string path, List<string> chain)
        {
            if (chain.Contains(path))
            {
                Problems.Add($"extends/includes cycle: {string.Join(" -> ", chain.Append(path).Select(Path.GetFileName))}");
                return new TomlTable();
            }
            var table = Parse(path);
            if (table is null) return new TomlTable();
            var coast = table.TryGetValue("coast", out var c) && c is TomlTable ct ? ct : null;
            var dir = Path.GetDirectoryName(path)!;
            var result = new TomlTable();

            if (coast?.TryGetValue("extends", out var ext) == true && ext is string parent)
                result = LoadChain(Path.GetFullPath(Path.Combine(dir, parent)), [.. chain, path]);
            if (coast?.TryGetValue("includes", out var inc) == true && inc is TomlArray includes)
                foreach (var include in includes.OfType<string>())
                    result = TomlMerge.Merge(result, LoadInclude(Path.GetFullPath(Path.Combine(dir, include)), [.. chain, path]));

            if (table.TryGetValue("unset", out var unset) && unset is TomlTable unsetTable)
            {
                TomlMerge.Unset(result, unsetTable, Path.GetFileName(path), Problems);
                table.Remove("unset");
            }
            coast?.Remove("extends");
            coast?.Remove("includes");
            return TomlMerge.Merge(result, table);
        }

        private TomlTable LoadInclude(string path, List<string> chain)
        {
            if (chain.Contains(path))
            {
                Problems.Add($"extends/includes cycle: {string.Join(" -> ", chain.Append(path).Select(Path.GetFileName))}");
                return new TomlTable();
            }
            var table = Parse(path) ?? new TomlTable();
            if (table.TryGetValue("coast", out var c) && c is TomlTable coast && (coast.ContainsKey("extends") || coast.ContainsKey("includes")))
                Problems.Add($"{Path.GetFileName(path)}: an included file may not itself use extends or includes");
            return table;
        }

        private TomlTable? Parse(string path)
        {
            var name = Path.GetFileName(path);
            if (!source.Exists(path))
            {
                Problems.Add($"{name}: file not found ({path})");
                return null;
            }
            var text = source.ReadAllText(path);
            Contents.Append(path).Append('\n').Append(text).Append('\n');
            var interpolator = new Interpolator(environment, name, Warnings);
            text = BareInterpolation.Rewrite(text, interpolator);
            TomlTable table;
            try
            {
                table = CoastfileToml.Parse(text);
            }
            catch (TomlException e)
            {
                Problems.Add($"{name}: line {e.Line + 1}: {FirstLine(e.Message)}");
                return null;
            }
            Interpolate(table, interpolator);
            new ShapeChecker(name, Problems, Warnings).CheckRoot(table);
            return table;
        }

        private static string FirstLine(string message) => message.Split('\n')[0].Trim();

        private static void Interpolate(TomlTable table, Interpolator interpolator)
        {
            foreach (var key in table.Keys.ToList())
                table[key] = InterpolateValue(table[key], interpolator);
        }

        private static object InterpolateValue(object value, Interpolator interpolator)
        {
            switch (value)
            {
                case string s: return interpolator.Expand(s);
                case TomlTable t: Interpolate(t, interpolator); return t;
                case TomlArray a:
                    for (var i = 0; i < a.Count; i++) a[i] = InterpolateValue(a[i]!, interpolator);
                    return a;
                case TomlTableArray ta:
                    foreach (var t in ta) Interpolate(t, interpolator);
                    return ta;
                default: return value;
            }
        }
    }
}
