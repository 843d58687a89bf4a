using System.Text;

namespace Coast.ApiTypes.Coastfile;

/// <summary>
/// Expands ${VAR} and ${VAR:-default} in Coastfile strings; $${VAR} is a literal ${VAR}. An undefined
/// variable without a default stays as written, with a warning.
/// </summary>
internal sealed class Interpolator(IReadOnlyDictionary<string, string?> environment, string file, List<string> warnings)
{
    public string Expand(string text)
    {
        if (!text.Contains('$')) return text;
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                i++; // skip the escaping '$'; the "${...}" after it is copied literally
                var close = text.IndexOf('}', i);
                if (close < 0) { sb.Append(text[i..]); break; }
                sb.Append(text[i..(close + 1)]);
                i = close;
                continue;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i);
                if (close < 0) { sb.Append(text[i..]); break; }
                sb.Append(Resolve(text[(i + 2)..close], text[i..(close + 1)]));
                i = close;
                continue;
            }
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    private string Resolve(string expression, string original)
    {
        var sep = expression.IndexOf(":-", StringComparison.Ordinal);
        var name = sep >= 0 ? expression[..sep] : expression;
        if (environment.TryGetValue(name, out var value) && value is not null && (sep < 0 || value.Length > 0)) return value;
        if (sep >= 0) return expression[(sep + 2)..];
        warnings.Add($"{file}: ${{{name}}} is not set; left as written");
        return original;
    }
}
