using System.Globalization;

namespace Coast.ApiTypes.Model;

/// <summary>Durations written in specs: "500ms", "30s", "2m", "1h", or combined as "1m30s".</summary>
public static class SpecDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var rest = text.Trim();
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.')) digits++;
            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            rest = rest[digits..];
            Func<double, TimeSpan>? unit = rest.StartsWith("ms") ? TimeSpan.FromMilliseconds
                : rest.StartsWith('s') ? TimeSpan.FromSeconds
                : rest.StartsWith('m') ? TimeSpan.FromMinutes
                : rest.StartsWith('h') ? TimeSpan.FromHours : null;
            if (unit is null) return false;
            rest = rest[(rest.StartsWith("ms") ? 2 : 1)..];
            value += unit(n);
        }
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a duration (examples: 30s, 1m, 1m30s, 1h)");
}
