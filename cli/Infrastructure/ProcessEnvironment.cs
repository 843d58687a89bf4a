namespace Coast.Cli.Infrastructure;

/// <summary>This process's environment as the Coastfile loader wants it (for ${VAR} interpolation).</summary>
public static class ProcessEnvironment
{
    public static IReadOnlyDictionary<string, string?> Variables() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
}
