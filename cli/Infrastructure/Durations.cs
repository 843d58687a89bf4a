using System.Globalization;

namespace Coast.Cli.Infrastructure;

/// <summary>Parses "500ms", "30s", "2m", "1h" (a bare number is seconds).</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan value, out string problem)
    {
        try
        {
            (value, problem) = (Parse(text), "");
            return true;
        }
        catch (CliException e)
        {
            (value, problem) = (default, e.Message);
            return false;
        }
    }

    public static TimeSpan Parse(string text)
    {
        var t = text.Trim();
        (string number, Func<double, TimeSpan> unit) = t switch
        {
            _ when t.EndsWith("ms") => (t[..^2], TimeSpan.FromMilliseconds),
            _ when t.EndsWith('s') => (t[..^1], TimeSpan.FromSeconds),
            _ when t.EndsWith('m') => (t[..^1], TimeSpan.FromMinutes),
            _ when t.EndsWith('h') => (t[..^1], TimeSpan.FromHours),
            _ => (t, (Func<double, TimeSpan>)TimeSpan.FromSeconds),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new CliException($"'{text}' is not a duration (examples: 500ms, 30s, 2m, 1h).", ExitCodes.Usage);
        return unit(value);
    }
}
