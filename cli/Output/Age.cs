namespace Coast.Cli.Output;

/// <summary>kubectl-style compact ages: 45s, 3m, 2h, 5d.</summary>
public static class Age
{
    public static string Format(DateTimeOffset? since, DateTimeOffset now)
    {
        if (since is null) return "-";
        var d = now - since.Value;
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        return d.TotalSeconds < 120 ? $"{(int)d.TotalSeconds}s"
            : d.TotalMinutes < 120 ? $"{(int)d.TotalMinutes}m"
            : d.TotalHours < 48 ? $"{(int)d.TotalHours}h"
            : $"{(int)d.TotalDays}d";
    }
}
