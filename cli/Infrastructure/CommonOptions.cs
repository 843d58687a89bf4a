using System.CommandLine;
using Coast.ApiTypes.Model;

namespace Coast.Cli.Infrastructure;

/// <summary>Options and arguments shared by several commands, so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<string?> Project() => new("--project", "-p")
    {
        Description = "Project (namespace). Defaults to $COAST_PROJECT, then the [coast] name of ./Coastfile.",
    };

    public static Argument<string> Kind() => new("kind")
    {
        Description = "Resource kind: " + string.Join(", ", ResourceKinds.All.Select(k => $"{k.Kind.ToLowerInvariant()} ({k.Plural})")),
    };

    public static Option<TimeSpan> Timeout(TimeSpan defaultValue) => new("--timeout")
    {
        Description = "How long to wait, e.g. 30s, 2m, 1h.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            // A parse error, not an exception: it is reported with the other usage errors (exit 2).
            if (Durations.TryParse(r.Tokens.Single().Value, out var value, out var problem)) return value;
            r.AddError(problem);
            return defaultValue;
        },
    };

    public static KindInfo ResolveKind(string name) =>
        ResourceKinds.Find(name) ?? throw new CliException(
            $"unknown kind '{name}'. Known kinds: {string.Join(", ", ResourceKinds.All.Select(k => k.Kind.ToLowerInvariant()))}.",
            ExitCodes.Usage);
}
