using System.Globalization;
using System.Text;

namespace Coast.ApiTypes.Coastfile;

/// <summary>
/// Coasts accepts `${VAR}` where TOML needs a value (`app = ${COAST_APP_PORT:-40000}`), which is a TOML syntax
/// error as written. Before parsing, every `${...}` outside strings and comments is replaced by its expansion:
/// an integer, float or boolean as that literal, anything else as a quoted string (so the later string pass
/// leaves it alone: a `${` left in it is escaped). Line numbers are unchanged.
/// </summary>
internal static class BareInterpolation
{
    public static string Rewrite(string text, Interpolator interpolator)
    {
        if (!text.Contains("${", StringComparison.Ordinal)) return text;
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '#') { i = CopyUntil(text, i, sb, "\n", inclusive: false); continue; }
            if (StartsWith(text, i, "\"\"\"")) { i = CopyString(text, i, sb, "\"\"\"", escapes: true); continue; }
            if (StartsWith(text, i, "'''")) { i = CopyString(text, i, sb, "'''", escapes: false); continue; }
            if (c == '"') { i = CopyString(text, i, sb, "\"", escapes: true); continue; }
            if (c == '\'') { i = CopyString(text, i, sb, "'", escapes: false); continue; }
            if (c == '$' && StartsWith(text, i + 1, "{") && (i == 0 || text[i - 1] != '$'))
            {
                var close = text.IndexOf('}', i);
                var newline = text.IndexOf('\n', i);
                if (close > 0 && (newline < 0 || close < newline))
                {
                    sb.Append(Literal(interpolator.Expand(text[i..(close + 1)])));
                    i = close + 1;
                    continue;
                }
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    private static string Literal(string value)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return value;
        if (value is "true" or "false") return value;
        if (value.Contains('.') && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return value;
        var escaped = value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("${", "$${");
        return $"\"{escaped}\"";
    }

    private static bool StartsWith(string text, int at, string what) =>
        at + what.Length <= text.Length && string.CompareOrdinal(text, at, what, 0, what.Length) == 0;

    private static int CopyString(string text, int start, StringBuilder sb, string quote, bool escapes)
    {
        sb.Append(quote);
        var i = start + quote.Length;
        while (i < text.Length)
        {
            if (escapes && text[i] == '\\' && i + 1 < text.Length) { sb.Append(text, i, 2); i += 2; continue; }
            if (StartsWith(text, i, quote)) { sb.Append(quote); return i + quote.Length; }
            sb.Append(text[i]);
            i++;
        }
        return i;
    }

    private static int CopyUntil(string text, int start, StringBuilder sb, string end, bool inclusive)
    {
        var at = text.IndexOf(end, start, StringComparison.Ordinal);
        var stop = at < 0 ? text.Length : inclusive ? at + end.Length : at;
        sb.Append(text, start, stop - start);
        return stop;
    }
}
